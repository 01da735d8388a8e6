// Latency from INSERT to SUBSCRIBE: events are inserted at a fixed rate (10k/s, 100k/s) into a
// table with a materialized view
//   SELECT k, count(*), sum(v), max(id) AS last_id FROM ev GROUP BY k      (k = id mod 1000)
// and a SUBSCRIBE client on the view awaits `subscription.next()`. Event i is due at
// t0 + i / rate; the producer sends every due event in one INSERT ... VALUES as soon as it can
// (so under overload batches grow and the delay shows, no coordinated omission). When the client
// receives a change set, every event up to its largest last_id has reached it: its latency is the
// receive time minus its due time. Producer and client share the process (one thread), as an
// embedded user would; the wire protocol is not in the path.

import { Database } from "../../src/index.js";
import type { ChangeFeedHandle } from "../../src/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type BenchResult, type Measurement, collectGarbage, median, probe, resultRow, roundsFor } from "../lib/harness.js";

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

interface RunStats {
  p50: number;
  p99: number;
  max: number;
  achieved: number;
}

async function oneRun(rate: number, seconds: number): Promise<RunStats> {
  const db = await Database.open({ memory: true });
  const s = db.connect();
  await s.execute("CREATE TABLE ev (id INT, k INT, v INT); CREATE MATERIALIZED VIEW lv AS SELECT k, count(*) AS n, sum(v) AS s, max(id) AS last_id FROM ev GROUP BY k");
  const sub: ChangeFeedHandle = (await s.execute("SUBSCRIBE lv"))[0].subscription!;
  const total = Math.round(rate * seconds);
  const lat = new Float64Array(total);
  let delivered = -1;
  let t0 = 0;
  const due = (id: number) => t0 + (id * 1000) / rate;
  const consumer = (async () => {
    for (;;) {
      const rows = await sub.next();
      if (rows === null) return;
      const now = performance.now();
      let maxId = -1;
      for (const r of rows) if (r[0] === "insert" && (r[5] as number) > maxId) maxId = r[5] as number;
      for (let id = delivered + 1; id <= maxId; id++) lat[id] = now - due(id);
      if (maxId > delivered) delivered = maxId;
      if (delivered >= total - 1) return;
    }
  })();
  t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const n = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1) - sent;
    if (n <= 0) {
      await new Promise((r) => setImmediate(r));
      continue;
    }
    const tuples: string[] = new Array(n);
    for (let j = 0; j < n; j++) {
      const id = sent + j;
      tuples[j] = `(${id},${id % 1000},${id % 97})`;
    }
    await s.execute(`INSERT INTO ev VALUES ${tuples.join(",")}`);
    sent += n;
    probe();
  }
  const elapsed = performance.now() - t0;
  await consumer;
  sub.cancel();
  await db.close();
  const sorted = lat.slice().sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], achieved: (total / elapsed) * 1000 };
}

function latencyCase(rate: number, label: string): BenchCase {
  return {
    name: `latency-${label}`,
    async run(ctx: BenchContext): Promise<BenchResult[]> {
      const seconds = ctx.quick ? 1 : 5;
      const runs = roundsFor(ctx, 5);
      const stats: RunStats[] = [];
      await oneRun(rate, seconds); // warm-up
      for (let r = 0; r < runs; r++) {
        collectGarbage();
        const x = await oneRun(rate, seconds);
        stats.push(x);
        ctx.log(`  latency-${label}: run ${r + 1}/${runs} p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms, max ${x.max.toFixed(2)} ms, ${Math.round(x.achieved)} events/s`);
      }
      const m: Measurement = {
        values: new Map([
          ["p50", stats.map((x) => x.p50)],
          ["p99", stats.map((x) => x.p99)],
          ["max", stats.map((x) => x.max)],
        ]),
        checks: new Map(),
        heap: new Map(),
        failed: new Map(),
        single: new Map(),
      };
      const achieved = median(stats.map((x) => x.achieved));
      const note = `${rate.toLocaleString("en")} events/s for ${seconds} s per run (achieved ${Math.round(achieved).toLocaleString("en")}/s); INSERT ... VALUES of the due events → GROUP BY view → SUBSCRIBE client (same process)`;
      const rows = [
        resultRow(m, { name: `latency-${label}/p50`, unit: "ms", higherIsBetter: false, sage: "p50", peers: [], notes: note }),
        resultRow(m, {
          name: `latency-${label}/p99`,
          unit: "ms",
          higherIsBetter: false,
          sage: "p99",
          peers: [],
          notes: note,
          target: rate <= 10_000 ? { value: 10, text: "p99 < 10 ms at 10k events/s" } : undefined,
        }),
        resultRow(m, { name: `latency-${label}/max`, unit: "ms", higherIsBetter: false, sage: "max", peers: [], notes: note }),
      ];
      return rows;
    },
  };
}

export const latencyModule: BenchModule = {
  name: "latency",
  description: "INSERT-to-SUBSCRIBE latency at a fixed rate (10k/s and 100k/s): p50/p99/max",
  cases: [latencyCase(10_000, "10k"), latencyCase(100_000, "100k")],
};
