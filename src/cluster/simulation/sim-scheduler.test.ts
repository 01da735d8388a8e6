// The simulated run queue keeps each node's events in order across a pause: what was held while
// the node was stopped runs, on resume, before anything that reaches the node at that same moment
// (a connection is FIFO: a frame held by the pause was sent before one arriving at resume time).
import { describe, expect, it } from "vitest";
import { SimNode, SimScheduler } from "./sim-scheduler.js";

describe("SimScheduler", () => {
  it("runs events in (time, insertion) order", async () => {
    const s = new SimScheduler();
    const node = new SimNode("n");
    const seen: string[] = [];
    s.schedule(5, node, () => seen.push("b"));
    s.schedule(1, node, () => seen.push("a"));
    s.schedule(5, node, () => seen.push("c"));
    await s.run(() => false, 100);
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("a paused node's held events run on resume before its events due at that moment", async () => {
    const s = new SimScheduler();
    const node = new SimNode("n");
    const seen: string[] = [];
    s.schedule(0, null, () => s.pause(node));
    // the resume is queued first, so it runs before the frame that arrives at the same time
    s.schedule(10, null, () => s.resume(node));
    s.schedule(3, node, () => seen.push("held 1"));
    s.schedule(7, node, () => seen.push("held 2"));
    s.schedule(10, node, () => seen.push("arrives at resume"));
    s.schedule(12, node, () => seen.push("later"));
    await s.run(() => false, 100);
    expect(seen).toEqual(["held 1", "held 2", "arrives at resume", "later"]);
    expect(s.now).toBe(12);
  });

  it("a crashed node's pending and held events are dropped", async () => {
    const s = new SimScheduler();
    const node = new SimNode("n");
    const seen: string[] = [];
    s.schedule(0, null, () => s.pause(node));
    s.schedule(2, node, () => seen.push("held"));
    s.schedule(5, null, () => s.crash(node));
    s.schedule(8, node, () => seen.push("pending"));
    s.schedule(9, null, () => s.restart(node));
    s.schedule(10, null, () => s.schedule(0, node, () => seen.push("after restart")));
    await s.run(() => false, 100);
    expect(seen).toEqual(["after restart"]);
  });
});
