// The cluster backbone against a real nats-server (JetStream, temp store, free port): dedup of a
// retried append, replay from a sequence, KV compare-and-set and TTL, an 8 MB object, the
// unreachable-URL error, and NATS stopped and restarted mid-run.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBackbone, CONNECTION_FAILURE, openClusterTransport, type Backbone, type Connection, type LogMessage } from "../src/cluster/index.js";
import { KvConflictError } from "../src/cluster/backbone.js";
import { freePort, NatsServer } from "./nats-server.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("NATS backbone", () => {
  let nats: NatsServer;
  let bb: Backbone;

  beforeAll(async () => {
    nats = await NatsServer.start();
    bb = await connectBackbone(nats.url, { cluster: "t1" });
  });
  afterAll(async () => {
    await bb?.close();
    await nats?.destroy();
  });

  it("appends once per message id and replays from a sequence, filtered by subject prefix", async () => {
    const s1 = await bb.log.append("in.orders", enc("a"), "m1");
    const again = await bb.log.append("in.orders", enc("a"), "m1"); // a retried publish
    expect(again).toBe(s1);
    const s2 = await bb.log.append("in.items", enc("b"), "m2");
    const s3 = await bb.log.append("in.orders", enc("c"), "m3");
    const s4 = await bb.log.append("in.$barrier", enc("1"), "b1");
    expect([s2, s3, s4]).toEqual([s1 + 1, s1 + 2, s1 + 3]);
    expect(await bb.log.lastSeq()).toBe(s4);

    const seen: LogMessage[] = [];
    const f = bb.log.follow("in.orders", s1 + 1, (m) => seen.push(m));
    await until(() => seen.length >= 1);
    expect(seen.map((m) => [m.seq, m.subject, dec(m.data)])).toEqual([[s3, "in.orders", "c"]]);
    // new appends arrive while following
    const s5 = await bb.log.append("in.orders", enc("d"), "m5");
    await until(() => seen.length >= 2);
    expect(seen[1]).toMatchObject({ seq: s5, subject: "in.orders" });
    f.close();

    // from the start, everything under "in." in order, with nothing doubled
    const all: LogMessage[] = [];
    const g = bb.log.follow("in.", 1, (m) => all.push(m));
    await until(() => all.length >= 5);
    await new Promise((r) => setTimeout(r, 100));
    g.close();
    expect(all.map((m) => dec(m.data))).toEqual(["a", "b", "c", "1", "d"]);
    // a prefix that is not a whole token matches by string: "in.ord" sees in.orders only
    const part: string[] = [];
    const h = bb.log.follow("in.ord", 1, (m) => part.push(m.subject));
    await until(() => part.length >= 3);
    h.close();
    expect(new Set(part)).toEqual(new Set(["in.orders"]));
  });

  it("a paused follower delivers nothing until resumed, then everything in order, also past what it holds while paused", async () => {
    const from = (await bb.log.lastSeq()) + 1;
    const append = async (first: number, n: number): Promise<void> => {
      for (let i = first; i < first + n; i += 64) {
        await Promise.all(Array.from({ length: Math.min(64, first + n - i) }, (_, k) => bb.log.append("in.pz", enc(String(i + k)), `pz-${i + k}`)));
      }
    };
    await append(0, 20);
    const seen: number[] = [];
    const f = bb.log.follow("in.pz", from, (m) => {
      seen.push(Number(dec(m.data)));
      // paused from inside the callback, as a reader whose consumers ran out of credit does
      if (seen.length === 10) f.pause();
    });
    await until(() => seen.length >= 10);
    // more than a paused follower takes in (4096 messages) before it stops its consumer
    await append(20, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(10);
    f.resume();
    await until(() => seen.length >= 5020, 20_000);
    await new Promise((r) => setTimeout(r, 100));
    f.close();
    expect(seen).toEqual(Array.from({ length: 5020 }, (_, i) => i));
  }, 60_000);

  it("rejects a subject with an empty token with 22023", async () => {
    await expect(bb.log.append("in..x", enc("a"), "bad")).rejects.toMatchObject({ code: "22023" });
  });

  it("carries any relation name in a subject (spaces, wildcards, %, non-ASCII) and follows by its prefix", async () => {
    const names = ["in.my table ✓", "in.a*b>c", "in.100%", "in.my tables"];
    const from = (await bb.log.lastSeq()) + 1;
    for (const [i, n] of names.entries()) await bb.log.append(n, enc(String(i)), `odd-${i}`);
    const seen: string[] = [];
    const f = bb.log.follow("in.my t", from, (m) => seen.push(m.subject));
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    f.close();
    expect(seen).toEqual(["in.my table ✓", "in.my tables"]);
    const all: string[] = [];
    const g = bb.log.follow("in.", from, (m) => all.push(m.subject));
    await until(() => all.length >= 4);
    g.close();
    expect(all).toEqual(names);
  });

  it("compare-and-set: create conflicts on an existing key, update on a stale revision", async () => {
    const kv = await bb.bucket("assign");
    const r1 = await kv.create("view:1/gen", enc("g1"));
    await expect(kv.create("view:1/gen", enc("g2"))).rejects.toBeInstanceOf(KvConflictError);
    const r2 = await kv.update("view:1/gen", enc("g2"), r1);
    expect(r2).toBeGreaterThan(r1);
    await expect(kv.update("view:1/gen", enc("g3"), r1)).rejects.toBeInstanceOf(KvConflictError);
    const e = await kv.get("view:1/gen");
    expect(e && dec(e.value)).toBe("g2");
    expect(e?.revision).toBe(r2);
    await kv.put("other.key", enc("x"));
    expect(await kv.keys()).toEqual(["other.key", "view:1/gen"]);
    expect(await kv.keys("view:")).toEqual(["view:1/gen"]);
    await kv.delete("view:1/gen");
    expect(await kv.get("view:1/gen")).toBeNull();
    expect(await kv.keys()).toEqual(["other.key"]);
    // a deleted key can be created again
    await kv.create("view:1/gen", enc("g4"));
    expect(dec((await kv.get("view:1/gen"))!.value)).toBe("g4");
  });

  it("lists a TTL bucket promptly while its keys expire and come back (the client's kv.keys() stalled 30 s)", async () => {
    const kv = await bb.bucket("churn", { ttlMs: 300 });
    const end = Date.now() + 6000;
    let slowest = 0;
    let listed = 0;
    while (Date.now() < end) {
      await kv.put("w1", enc("addr"));
      const lease = Date.now() + 450; // past the TTL: the key expires between listings
      while (Date.now() < lease) {
        const t0 = Date.now();
        const keys = await kv.keys();
        slowest = Math.max(slowest, Date.now() - t0);
        expect(keys.length).toBeLessThanOrEqual(1);
        listed += keys.length;
      }
    }
    expect(slowest).toBeLessThan(3000);
    expect(listed).toBeGreaterThan(0);
  });

  it("a TTL bucket drops a key not renewed in time", async () => {
    const kv = await bb.bucket("members", { ttlMs: 1000 });
    await kv.create("w1", enc("addr"));
    expect(await kv.get("w1")).not.toBeNull();
    await until(async () => (await kv.get("w1")) === null, 8000);
    expect(await kv.keys()).toEqual([]);
    // expired, the key can be created again (a new lease)
    await kv.create("w1", enc("addr2"));
  });

  it("a bucket is opened once; reopening it with another TTL is refused with 55000, naming both", async () => {
    const plain = await bb.bucket("retimed");
    expect(await bb.bucket("retimed")).toBe(plain);
    const timed = await bb.bucket("timed", { ttlMs: 3000 });
    expect(await bb.bucket("timed", { ttlMs: 3000 })).toBe(timed);
    for (const [name, ttlMs] of [["retimed", 5000], ["timed", 5000], ["timed", undefined]] as const) {
      const err = await bb.bucket(name, ttlMs === undefined ? {} : { ttlMs }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code, `${name} with ${ttlMs}`).toBe("55000");
      expect(err?.message).toMatch(/every node must use the same setting/);
    }
    // a second backbone (another node) with the same setting opens it
    const other = await connectBackbone(nats.url, { cluster: "t1" });
    await (await other.bucket("timed", { ttlMs: 3000 })).put("k", enc("v"));
    expect(dec((await timed.get("k"))!.value)).toBe("v");
    await other.close();
  });

  it("round-trips an 8 MB object and lists and deletes by prefix", async () => {
    const big = randomBytes(8 * 1024 * 1024);
    await bb.objects.put("ckpt/v1/e5/p0", big);
    await bb.objects.put("ckpt/v1/e5/p1", enc("small"));
    await bb.objects.put("ckpt/v2/e1/p0", enc("other"));
    const back = await bb.objects.get("ckpt/v1/e5/p0");
    expect(back).not.toBeNull();
    expect(Buffer.compare(Buffer.from(back!), big)).toBe(0);
    expect(await bb.objects.list("ckpt/v1/")).toEqual(["ckpt/v1/e5/p0", "ckpt/v1/e5/p1"]);
    await bb.objects.delete("ckpt/v1/e5/p0");
    expect(await bb.objects.get("ckpt/v1/e5/p0")).toBeNull();
    expect(await bb.objects.list("ckpt/v1/")).toEqual(["ckpt/v1/e5/p1"]);
    expect(await bb.objects.get("missing")).toBeNull();
  });
});

describe("NATS backbone failures", () => {
  it("an unreachable URL fails at connect with the URL in the message", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const err = await connectBackbone(url).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err).not.toBeNull();
    expect(err!.message).toContain(url);
    expect(err!.code).toBe(CONNECTION_FAILURE);
  });

  it("a NATS that requires a token: refused without it (naming the URL), served with it", async () => {
    const nats = await NatsServer.start(["--auth", "cluster-s3cret"]);
    try {
      const err = await connectBackbone(nats.url, { cluster: "t3" }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.message).toContain(nats.url);
      expect(err?.message).toMatch(/authorization/i);
      const bb = await connectBackbone(nats.url, { cluster: "t3", token: "cluster-s3cret" });
      expect(await bb.log.append("in.x", enc("1"), "a")).toBe(1);
      await bb.close();
    } finally {
      await nats.destroy();
    }
  });

  it("NATS frozen (SIGSTOP): appends time out with 08006, followers are told within a few pings; thawed: it goes on", async () => {
    const nats = await NatsServer.start();
    const bb = await connectBackbone(nats.url, { cluster: "t5", timeoutMs: 1000, pingIntervalMs: 300 });
    try {
      await bb.log.append("in.t", enc("1"), "f1");
      let followError: Error | null = null;
      bb.log.follow("in.", 1, () => {}, (e) => (followError = e));
      await nats.pause();
      const t0 = Date.now();
      const err = await bb.log.append("in.t", enc("2"), "f2").then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code).toBe(CONNECTION_FAILURE);
      expect(Date.now() - t0).toBeLessThan(5000); // about 2 s; the margin is for a loaded machine
      await until(() => followError !== null, 15_000);
      nats.resume();
      let s2 = 0;
      await until(async () => {
        try {
          s2 = await bb.log.append("in.t", enc("2"), "f2");
          return true;
        } catch {
          return false;
        }
      }, 15_000);
      // the timed-out append may or may not have landed before the freeze: either way once
      expect(s2).toBe(2);
    } finally {
      await bb.close();
      await nats.destroy();
    }
  }, 60_000);

  it("openClusterTransport: clock, backbone and ws network of a real node (NATS without auth ignores the token)", async () => {
    const nats = await NatsServer.start();
    const t = await openClusterTransport({ nats: nats.url, token: "tok", cluster: "t4" });
    try {
      expect(Math.abs(t.clock.now() - Date.now())).toBeLessThan(1000);
      const fired = await new Promise<boolean>((r) => t.clock.setTimeout(() => r(true), 5));
      expect(fired).toBe(true);
      expect(await t.backbone.log.append("in.a", enc("x"), "1")).toBe(1);
      let accepted: Connection | null = null;
      const address = await t.network.listen((c) => (accepted = c));
      const c = await t.network.connect(address);
      await until(() => accepted !== null);
      c.close();
    } finally {
      await t.close();
      await nats.destroy();
    }
  });

  it("NATS stopped mid-run: appends fail promptly with 08006, followers get onError; restarted: it resumes by itself", async () => {
    const nats = await NatsServer.start();
    const bb = await connectBackbone(nats.url, { cluster: "t2", timeoutMs: 2000 });
    try {
      const s1 = await bb.log.append("in.t", enc("1"), "r1");
      const kv0 = await bb.bucket("before");
      await kv0.put("k", enc("kept"));
      const seen: number[] = [];
      let followError: Error | null = null;
      bb.log.follow("in.", 1, (m) => seen.push(m.seq), (e) => (followError = e));
      await until(() => seen.length === 1);

      await nats.stop();
      await until(() => followError !== null);
      expect((followError as unknown as { code: string }).code).toBe(CONNECTION_FAILURE);
      const t0 = Date.now();
      const err = await bb.log.append("in.t", enc("2"), "r2").then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code).toBe(CONNECTION_FAILURE);
      expect(err?.message).toContain(nats.url);
      expect(Date.now() - t0).toBeLessThan(5000);

      await nats.restart();
      // the client reconnects by itself; the retried append (same id) then lands exactly once
      let s2 = 0;
      await until(async () => {
        try {
          s2 = await bb.log.append("in.t", enc("2"), "r2");
          return true;
        } catch {
          return false;
        }
      }, 15_000);
      expect(s2).toBe(s1 + 1);
      expect(await bb.log.append("in.t", enc("2"), "r2")).toBe(s2);
      // following again from the last sequence seen continues where it stopped
      const resumed: string[] = [];
      const f = bb.log.follow("in.", seen[seen.length - 1] + 1, (m) => resumed.push(dec(m.data)));
      await until(() => resumed.length >= 1);
      f.close();
      expect(resumed).toEqual(["2"]);
      expect(dec((await kv0.get("k"))!.value)).toBe("kept");
      expect(await bb.log.lastSeq()).toBe(s2);
      // KV and the object store work again too (their data survived on the store)
      const kv = await bb.bucket("after");
      await kv.put("k", enc("v"));
      expect(dec((await kv.get("k"))!.value)).toBe("v");
      await bb.objects.put("o", enc("blob"));
      expect(dec((await bb.objects.get("o"))!)).toBe("blob");
    } finally {
      await bb.close();
      await nats.destroy();
    }
  }, 60_000);
});
