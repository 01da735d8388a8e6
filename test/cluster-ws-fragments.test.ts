// The data plane end to end: Nexmark q5, q7 and q8 cut into fragments at parallelism 3, their
// partitions spread over two ws "nodes" on loopback, every exchange message encoded as an Arrow
// frame and carried by a credit-based channel (the producer honouring backpressure between inputs),
// give exactly the single-node views' rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERIES, TABLES, createStreams } from "../bench/nexmark/nexmark.js";
import { ExchangeEndpoint, WsNetwork, type Connection, type ExchangeReceiver, type ExchangeSender } from "../src/cluster/index.js";
import { FragmentInstance } from "../src/executor/index.js";
import { decodeFragmentGraph, encodeFragmentGraph, fragmentPlan, injectsBarriers } from "../src/planner/index.js";
import { driveNexmark, recordViews, renderChunks, type Recording } from "./cluster/fragment-harness.js";

const EVENTS = 6000;
const TICK = 1000;
const VIEWS = ["q5", "q7", "q8"];

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Two nodes and a ws connection for each ordered pair (a node reaches its own partitions over loopback too). */
async function twoNodes(errors: unknown[]): Promise<{ send: ExchangeEndpoint[][]; receive: ExchangeEndpoint[][]; close: () => Promise<void> }> {
  const nets = [new WsNetwork({ token: "t" }), new WsNetwork({ token: "t" })];
  const accepted: Connection[][] = [[], []];
  const addresses = await Promise.all(nets.map((n, i) => n.listen((c) => accepted[i].push(c))));
  const send: ExchangeEndpoint[][] = [[], []];
  const receive: ExchangeEndpoint[][] = [[], []];
  for (const s of [0, 1]) {
    for (const d of [0, 1]) {
      const before = accepted[d].length;
      const c = await nets[s].connect(addresses[d]);
      await until(() => accepted[d].length > before);
      // small windows and queues, so credits and backpressure really come into play
      send[s][d] = new ExchangeEndpoint(c, { window: 4, maxQueued: 4 }, (e) => errors.push(e));
      receive[s][d] = new ExchangeEndpoint(accepted[d][accepted[d].length - 1], { window: 4, maxQueued: 4 }, (e) => errors.push(e));
    }
  }
  return { send, receive, close: async () => void (await Promise.all(nets.map((n) => n.close()))) };
}

async function replayOverWs(rec: Recording, view: string, parallelism: number): Promise<{ rows: string[]; frames: number; fragments: number }> {
  const v = rec.views.get(view)!;
  const graph = decodeFragmentGraph(encodeFragmentGraph(fragmentPlan(v.plan, parallelism, { primaryKey: rec.primaryKey })));
  const ctx = rec.session.executionContext([]);
  // a consumer that throws closes its channel: fail at once rather than wait for credit forever
  const errors: unknown[] = [];
  const nodes = await twoNodes(errors);
  const nodeOf = (partition: number) => partition % 2;
  try {
    const senders = new Map<string, ExchangeSender>();
    const receivers: ExchangeReceiver[] = [];
    const instances: FragmentInstance[][] = graph.fragments.map((f) =>
      Array.from(
        { length: f.parallelism },
        (_, p) =>
          new FragmentInstance(graph, f.id, p, ctx, (exchange, target, msg) => {
            const key = `${exchange}:${p}:${target}`;
            let s = senders.get(key);
            if (s === undefined) {
              s = nodes.send[nodeOf(p)][nodeOf(target)].sender({ generation: 1, view, exchange, fromPartition: p, toPartition: target });
              senders.set(key, s);
            }
            s.offer(msg); // never drops; the input loop below waits while a queue is at its bound
          }),
      ),
    );
    for (const e of graph.exchanges) {
      for (let p = 0; p < graph.fragments[e.from].parallelism; p++) {
        for (let q = 0; q < graph.fragments[e.to].parallelism; q++) {
          const header = { generation: 1, view, exchange: e.id, fromPartition: p, toPartition: q };
          receivers.push(nodes.receive[nodeOf(p)][nodeOf(q)].receiver(header, (msg) => instances[e.to][q].deliverExchange(e.id, p, msg)));
        }
      }
    }
    const sources = new Set(graph.fragments.flatMap((f) => f.sources));
    for (const m of v.inputs) {
      if (m.kind === "changes") {
        if (!sources.has(m.relation)) continue;
        for (const f of graph.fragments) if (f.sources.includes(m.relation)) for (const inst of instances[f.id]) inst.deliverRelation(m.relation, m.changes);
      } else if (m.kind === "watermark") {
        if (!sources.has(m.relation)) continue;
        for (const f of graph.fragments) if (f.sources.includes(m.relation)) for (const inst of instances[f.id]) inst.deliverWatermark(m.relation, m.column, m.value);
      } else {
        for (const f of graph.fragments) if (injectsBarriers(f)) for (const inst of instances[f.id]) inst.barrier(m.epoch);
      }
      // backpressure: no more input while any channel's queue is at its bound
      for (const s of senders.values()) if (s.overloaded) await until(() => !s.overloaded || errors.length > 0);
      if (errors.length > 0) throw errors[0];
    }
    const sent = () => [...senders.values()].reduce((n, s) => n + s.sent + s.queued, 0);
    const received = () => receivers.reduce((n, r) => n + r.received - r.pending, 0);
    await until(() => errors.length > 0 || (sent() === received() && [...senders.values()].every((s) => s.queued === 0)));
    if (errors.length > 0) throw errors[0];
    await new Promise((r) => setTimeout(r, 20));
    expect(received()).toBe(sent());
    for (const r of receivers) expect(r.maxInbox).toBeLessThanOrEqual(4);
    const rows = graph.fragments.filter((f) => f.output === "materialize").flatMap((f) => instances[f.id].flatMap((i) => i.rows()));
    return { rows: renderChunks(v.types, rows), frames: sent(), fragments: graph.fragments.length };
  } finally {
    await nodes.close();
  }
}

let rec: Recording;

describe(`Nexmark views over the ws data plane equal one node (${EVENTS} events, parallelism 3)`, () => {
  beforeAll(async () => {
    const queries = QUERIES.filter((q) => VIEWS.includes(q.name));
    rec = await recordViews([], VIEWS, async (session) => {
      await createStreams(session, TABLES, false);
      for (const q of queries) await session.execute(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.sql}`);
      await driveNexmark(session, EVENTS, TICK);
    });
  }, 120_000);
  afterAll(async () => {
    await rec?.db.close();
  });

  for (const view of VIEWS) {
    it(view, async () => {
      const expected = rec.views.get(view)!.expected;
      expect(expected.length).toBeGreaterThan(0);
      const r = await replayOverWs(rec, view, 3);
      expect(r.fragments).toBeGreaterThan(1);
      expect(r.frames).toBeGreaterThan(0);
      expect(r.rows.length).toBe(expected.length);
      expect(r.rows).toEqual(expected);
    }, 120_000);
  }
});
