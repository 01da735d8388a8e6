// Directed scenarios of the coordinator/worker protocol under the simulation (one fault each, at a
// chosen time, on the protocol's keyed-sum job), the hello checks, and the simulated backbone's
// own semantics (the simulation is only as good as its model of JetStream).
import { describe, expect, it } from "vitest";
import { KvConflictError } from "../src/cluster/backbone.js";
import { PROTOCOL_VERSION } from "../src/cluster/cluster-records.js";
import { helloProblem } from "../src/cluster/node-frames.js";
import { keyedSumSetup, runSimulation, type ScriptedFault } from "../src/cluster/simulation/index.js";
import { SeededRandom } from "../src/cluster/simulation/seeded-random.js";
import { SimBackboneClient, SimBackboneServer } from "../src/cluster/simulation/sim-backbone.js";
import { SimNode, SimScheduler } from "../src/cluster/simulation/sim-scheduler.js";

/**
 * `calm`: no backbone call fails at random either (a lost answer to a lease renewal or an epoch's
 * compare-and-set fences its node, which starts a generation for reasons other than the one tested)
 */
async function scenario(faults: ScriptedFault[], seed = 11, calm = false) {
  const r = await runSimulation(seed, { setup: keyedSumSetup(), faults, keepTrace: true, ...(calm ? { backboneFailureRate: 0 } : {}) });
  expect(r.failure).toBeNull();
  return { r, trace: r.trace! };
}

const at = (line: string): number => Number(line.split(" ")[0]);

describe("protocol scenarios", () => {
  it("a worker paused past its lease is fenced, rejoins as a new member, and results stay exact", async () => {
    const { trace } = await scenario([{ at: 800, kind: "pause-worker", target: "w1", duration: 700 }]);
    const fenced = trace.find((l) => l.includes("worker w1 fenced"));
    expect(fenced, "w1 was fenced").toBeDefined();
    expect(at(fenced!)).toBeGreaterThanOrEqual(1500);
    const rejoined = trace.find((l) => at(l) >= at(fenced!) && /worker w1 joined as w1@\d+/.test(l));
    expect(rejoined, "w1 joined again").toBeDefined();
    // the leader moved w1's partitions away while it was paused
    expect(trace.some((l) => at(l) > 800 && at(l) < 1500 && /generation \d+ on (?!.*w1@)/.test(l))).toBe(true);
  });

  it("the leader crashing: the standby takes over with a higher term and results stay exact", async () => {
    const { trace } = await scenario([{ at: 800, kind: "crash-leader", duration: 1000 }]);
    const terms = trace.filter((l) => / leads with term \d+/.test(l)).map((l) => ({ who: l.split(" ")[2], term: Number(/term (\d+)/.exec(l)![1]) }));
    expect(terms.length).toBeGreaterThanOrEqual(2);
    expect(terms[1].who).not.toBe(terms[0].who);
    expect(terms[1].term).toBeGreaterThan(terms[0].term);
    expect(trace.some((l) => at(l) > 800 && l.includes("took over"))).toBe(true);
  });

  it("a leader paused past its lease is deposed: it steps down when it resumes", async () => {
    const { trace } = await scenario([{ at: 800, kind: "pause-leader", duration: 900 }]);
    const first = trace.find((l) => l.includes("leads with term"))!.split(" ")[2];
    expect(trace.some((l) => at(l) >= 1700 && l.includes(`coordinator ${first} steps down`))).toBe(true);
    expect(trace.some((l) => at(l) > 800 && at(l) < 1700 && l.includes("leads with term") && !l.includes(`coordinator ${first} `))).toBe(true);
  });

  it("a link cut between two workers stalls the generation until the checkpoint timeout starts another", async () => {
    const { trace } = await scenario([{ at: 600, kind: "partition", target: "w1", partner: "w2", duration: 400 }], 3, true);
    expect(trace.some((l) => /link to w[12]@\d+ broken/.test(l))).toBe(true);
    expect(trace.some((l) => /generation \d+ on .*\((epoch \d+ timed out|members changed)\)/.test(l) && at(l) > 600)).toBe(true);
  });

  it("a worker added while streaming gets partitions in a new generation", async () => {
    const { trace } = await scenario([{ at: 700, kind: "add-worker", duration: 0 }]);
    expect(trace.some((l) => at(l) > 700 && /generation \d+ on w1@\S+ w2@\S+ w3@\S+ w4@\S+/.test(l))).toBe(true);
  });

  it("NATS unreachable for a while: writes are retried, leases lapse, and the cluster resumes by itself", async () => {
    const { r, trace } = await scenario([{ at: 700, kind: "backbone-outage", duration: 800 }]);
    expect(trace.some((l) => l.includes("FAULT NATS unreachable for 800ms"))).toBe(true);
    expect(r.appends).toBeGreaterThan(24); // some appends failed and were retried with their message id
    expect(trace.some((l) => at(l) >= 1500 && / fenced: /.test(l))).toBe(true);
    expect(trace.some((l) => at(l) >= 1500 && l.includes("committed"))).toBe(true);
  });

  it("a worker without the cluster token is refused with a clear error and never placed", async () => {
    const r = await runSimulation(5, { setup: keyedSumSetup(), faults: [], rogueWorker: { token: "not-the-token" }, keepTrace: true });
    expect(r.failure).toBeNull();
    expect(r.refused).toEqual(["worker rogue refused by the coordinator: wrong cluster token"]);
    expect(r.trace!.some((l) => /generation \d+ on .*rogue/.test(l))).toBe(false);
  });

  it("without faults, one generation commits every epoch and old epochs' objects are deleted", async () => {
    const { r } = await scenario([], 11, true);
    expect(r.generations).toBe(1);
    expect(r.commits).toBeGreaterThan(15);
    // 5 instances: the committed epoch's objects plus those of an epoch or two in flight
    expect(r.objectsLeft).toBeGreaterThanOrEqual(5);
    expect(r.objectsLeft).toBeLessThanOrEqual(15);
  });

  it("hello checks the protocol version and the token", () => {
    const hello = { t: "hello" as const, version: PROTOCOL_VERSION, token: "s3cret", member: "w1@1", role: "worker" as const };
    expect(helloProblem(hello, "s3cret")).toBeNull();
    expect(helloProblem({ ...hello, version: PROTOCOL_VERSION + 1 }, "s3cret")).toBe(`protocol version ${PROTOCOL_VERSION + 1} is not this cluster's version ${PROTOCOL_VERSION}`);
    expect(helloProblem({ ...hello, token: "guess" }, "s3cret")).toBe("wrong cluster token");
  });
});

describe("the simulated backbone behaves as JetStream does", () => {
  function world() {
    const scheduler = new SimScheduler();
    const server = new SimBackboneServer(scheduler, new SeededRandom(1), 0);
    const node = new SimNode("n");
    return { scheduler, server, client: new SimBackboneClient(server, node), node };
  }
  /** runs the simulation until `p` settles */
  async function settle<T>(scheduler: SimScheduler, p: Promise<T>): Promise<T> {
    let done = false;
    const out = p.finally(() => (done = true));
    out.catch(() => undefined);
    await scheduler.run(() => done, scheduler.now + 10_000);
    return out;
  }

  it("an append retried with the same message id is not doubled; followers replay from a sequence", async () => {
    const { scheduler, client } = world();
    const enc = (s: string) => new TextEncoder().encode(s);
    const a = await settle(scheduler, client.log.append("in.t", enc("a"), "m1"));
    const b = await settle(scheduler, client.log.append("in.t", enc("b"), "m2"));
    const again = await settle(scheduler, client.log.append("in.t", enc("a"), "m1"));
    expect([a, b, again]).toEqual([1, 2, 1]);
    await settle(scheduler, client.log.append("in.$barrier", enc("x"), "m3"));
    const seen: string[] = [];
    client.log.follow("in.t", 2, (m) => seen.push(`${m.seq}:${new TextDecoder().decode(m.data)}`));
    await settle(scheduler, client.log.append("in.t", enc("c"), "m4"));
    await scheduler.run(() => seen.length >= 2, scheduler.now + 1000);
    expect(seen).toEqual(["2:b", "4:c"]);
  });

  it("KV create and update are compare-and-set; a TTL bucket forgets a key not renewed in time", async () => {
    const { scheduler, client } = world();
    const kv = await settle(scheduler, client.bucket("b", { ttlMs: 100 }));
    const v = new Uint8Array([1]);
    const r1 = await settle(scheduler, kv.create("k", v));
    await expect(settle(scheduler, kv.create("k", v))).rejects.toBeInstanceOf(KvConflictError);
    const r2 = await settle(scheduler, kv.update("k", v, r1));
    expect(r2).toBeGreaterThan(r1);
    await expect(settle(scheduler, kv.update("k", v, r1))).rejects.toBeInstanceOf(KvConflictError);
    scheduler.schedule(150, null, () => undefined);
    await scheduler.run(() => false, scheduler.now + 150);
    expect(await settle(scheduler, kv.get("k"))).toBeNull();
    await expect(settle(scheduler, kv.update("k", v, r2))).rejects.toBeInstanceOf(KvConflictError);
    expect(await settle(scheduler, kv.create("k", v))).toBeGreaterThan(r2);
  });
});
