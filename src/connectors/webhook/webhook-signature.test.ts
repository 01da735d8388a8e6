import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhookBody, webhookSignatureMatches } from "./webhook-signature.js";
import { readWebhookOptions } from "./webhook-options.js";

const body = Buffer.from('{"id": 1}');

describe("webhook signatures", () => {
  it("accepts the HMAC-SHA256 hex of the raw body, with or without sha256=, in either case", () => {
    const sig = createHmac("sha256", "s3cret").update(body).digest("hex");
    expect(signWebhookBody("s3cret", body)).toBe(sig);
    expect(webhookSignatureMatches("s3cret", body, sig)).toBe(true);
    expect(webhookSignatureMatches("s3cret", body, `sha256=${sig}`)).toBe(true);
    expect(webhookSignatureMatches("s3cret", body, ` SHA256=${sig.toUpperCase()} `)).toBe(true);
  });

  it("refuses a missing, malformed, truncated or wrong-key signature, or a changed body", () => {
    const sig = signWebhookBody("s3cret", body);
    expect(webhookSignatureMatches("s3cret", body, undefined)).toBe(false);
    expect(webhookSignatureMatches("s3cret", body, "")).toBe(false);
    expect(webhookSignatureMatches("s3cret", body, sig.slice(0, 62))).toBe(false);
    expect(webhookSignatureMatches("s3cret", body, `sha1=${sig}`)).toBe(false);
    expect(webhookSignatureMatches("other", body, sig)).toBe(false);
    expect(webhookSignatureMatches("s3cret", Buffer.from('{"id": 2}'), sig)).toBe(false);
  });
});

describe("webhook options", () => {
  it("reads the secret reference, header and body limit, and refuses literals and unknown options", () => {
    expect(readWebhookOptions({ connector: "webhook" })).toEqual({ signatureHeader: "x-sage-signature", maxBodyBytes: 1048576 });
    expect(readWebhookOptions({ connector: "webhook", secret_secret: "k", signature_header: "X-Hub-Signature-256", max_body_bytes: "100" })).toEqual({ secretName: "k", signatureHeader: "x-hub-signature-256", maxBodyBytes: 100 });
    expect(() => readWebhookOptions({ connector: "webhook", secret: "plain" })).toThrow(/SECRET reference/);
    expect(() => readWebhookOptions({ connector: "webhook", sekret: "x" })).toThrow(/unrecognized webhook option "sekret"/);
    expect(() => readWebhookOptions({ connector: "webhook", signature_header: "bad header" })).toThrow(/signature_header/);
    expect(() => readWebhookOptions({ connector: "webhook", max_body_bytes: "0" })).toThrow(/max_body_bytes/);
  });
});
