import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle.js";

describe("LoginThrottle", () => {
  it("locks an address out after maxFailures within the window, with growing lock-outs", () => {
    let t = 1000;
    const th = new LoginThrottle({ maxFailures: 3, windowMs: 10_000, lockoutMs: 100, maxLockoutMs: 1000, now: () => t });
    expect(th.failed("10.0.0.1")).toBe(0);
    expect(th.failed("10.0.0.1")).toBe(0);
    expect(th.retryAfter("10.0.0.1")).toBe(0);
    expect(th.failed("10.0.0.1")).toBe(100);
    expect(th.retryAfter("10.0.0.1")).toBe(100);
    expect(th.retryAfter("10.0.0.2")).toBe(0); // another address is unaffected
    t += 100;
    expect(th.retryAfter("10.0.0.1")).toBe(0);
    th.failed("10.0.0.1");
    th.failed("10.0.0.1");
    expect(th.failed("10.0.0.1")).toBe(200); // doubled
    t += 200;
    for (let i = 0; i < 2; i++) th.failed("10.0.0.1");
    expect(th.failed("10.0.0.1")).toBe(400);
    for (let k = 0; k < 5; k++) {
      t += 1000;
      th.failed("10.0.0.1");
      th.failed("10.0.0.1");
      th.failed("10.0.0.1");
    }
    expect(th.retryAfter("10.0.0.1")).toBe(1000); // capped
  });

  it("forgets failures outside the window and after a success", () => {
    let t = 0;
    const th = new LoginThrottle({ maxFailures: 3, windowMs: 1000, lockoutMs: 100, now: () => t });
    th.failed("a");
    th.failed("a");
    t += 1500;
    expect(th.failed("a")).toBe(0); // the first two fell out of the window
    th.failed("a");
    th.succeeded("a");
    expect(th.failed("a")).toBe(0);
    expect(th.size).toBe(1);
  });

  it("keeps at most maxAddresses records", () => {
    let t = 0;
    const th = new LoginThrottle({ maxFailures: 2, windowMs: 1000, lockoutMs: 100, maxLockoutMs: 100, maxAddresses: 50, now: () => t });
    for (let i = 0; i < 10_000; i++) {
      th.failed(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      t += 1;
    }
    expect(th.size).toBeLessThanOrEqual(50);
    // the newest addresses are the ones kept
    th.failed("10.0.39.15"); // i = 9999
    expect(th.retryAfter("10.0.39.15")).toBeGreaterThan(0);
  });

  it("refuses nonsense settings", () => {
    expect(() => new LoginThrottle({ maxFailures: 0 })).toThrow();
  });
});
