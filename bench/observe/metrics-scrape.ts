// The cost of observability on a running view: Nexmark q5 (bench/nexmark) driven through the
// connector's path, with nobody reading the metrics ("sage") against the same run while /metrics
// is rendered (ServerMetrics.scrape(): every operator's counters, sources, views, models, in
// Prometheus text) at each tick of 65,536 events ("scraped"): far more often than a Prometheus
// server would at a 15 s interval at these rates. The ratio sage/scraped says what scraping costs;
// the operator counters themselves are always on in both.

import { Database, ServerMetrics } from "../../src/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type Contender, type Sample, measure, perSecond, resultRow } from "../lib/harness.js";
import { QUERIES, TABLES, createStreams, driveTicks } from "../nexmark/nexmark.js";

const q5 = QUERIES.find((q) => q.name === "q5")!;

function contender(name: string, events: number, scrape: boolean, scrapes: number[]): Contender {
  return {
    name,
    async run(): Promise<Sample> {
      const db = await Database.open({ memory: true });
      const s = db.connect();
      await createStreams(s, TABLES, false);
      await s.execute(`CREATE MATERIALIZED VIEW v AS ${q5.sql}`);
      const metrics = scrape ? new ServerMetrics(db, () => 0) : null;
      let bytes = 0;
      let n = 0;
      const t0 = performance.now();
      const ticks = driveTicks(db, q5.reads, events);
      let step = ticks.next();
      while (!step.done) {
        if (metrics) {
          bytes += (await metrics.scrape()).length;
          n++;
        }
        step = ticks.next();
      }
      const rows = step.value.rows;
      const ms = performance.now() - t0;
      if (metrics) {
        scrapes.push(n === 0 ? 0 : bytes / n);
        metrics.close();
      }
      const size = db.relation(db.catalog.findRelation(["public", "v"])!.id).store.size;
      await db.close();
      return { value: perSecond(rows, ms), check: `${size}` };
    },
  };
}

const scrapeCase: BenchCase = {
  name: "observe-q5-scraped",
  async run(ctx: BenchContext) {
    const events = ctx.quick ? 100_000 : 2_000_000;
    const sizes: number[] = [];
    const m = await measure({ name: "observe-q5-scraped", contenders: [contender("sage", events, false, sizes), contender("scraped", events, true, sizes)], runs: 5, warmups: 1, ctx });
    const avg = sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : 0;
    return [
      resultRow(m, {
        name: "observe/q5-metrics-scraped",
        unit: "events/s",
        higherIsBetter: true,
        sage: "sage",
        peers: ["scraped"],
        notes: `${events.toLocaleString("en")} nexmark events through q5; scraped = /metrics rendered after every 65,536 events (~${avg} bytes of exposition each); ratio = unscraped/scraped throughput`,
      }),
    ];
  },
};

export const observeModule: BenchModule = {
  name: "observe",
  description: "the cost of scraping /metrics while Nexmark q5 runs (events/s with and without scrapes)",
  cases: [scrapeCase],
};
