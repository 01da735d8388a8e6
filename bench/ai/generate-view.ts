// The cost of a GENERATE view with the answer cache cold versus warm. A table of N prompts (all
// distinct) and a local OpenAI-compatible test server (real HTTP on 127.0.0.1, answering at once,
// so the cold figure is the engine's own overhead per call: batching, HTTP, JSON, the async
// operator — a real model adds its own latency on top). Cold: a fresh data directory,
// CREATE MATERIALIZED VIEW ... GENERATE(prompt, 'llm') returns once every row is answered. Warm:
// the database is closed and reopened (the persistent cache in ai/answers.cache survives), and a
// second view over the same prompts is created: every answer comes from the cache, no request.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { ModelTestServer } from "../../src/ai/testing/model-test-server.js";
import { type BenchCase, type BenchContext, type BenchModule, type BenchResult, type Measurement, collectGarbage, median, probe, resultRow, roundsFor } from "../lib/harness.js";

interface RunStats {
  cold: number;
  warm: number;
  coldRequests: number;
  warmRequests: number;
}

async function oneRun(server: ModelTestServer, n: number): Promise<RunStats> {
  const dir = mkdtempSync(join(tmpdir(), "sage-bench-generate-"));
  try {
    let db = await Database.open({ dataDir: dir });
    await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'bench', max_concurrency = 16, max_batch = 64)`);
    await db.execute("CREATE TABLE prompts (id INT, prompt TEXT)");
    for (let i = 0; i < n; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - i) }, (_, j) => `(${i + j}, 'summarize ticket ${i + j}')`);
      await db.execute(`INSERT INTO prompts VALUES ${rows.join(",")}`);
    }
    server.reset();
    let t0 = performance.now();
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(prompt, 'llm') AS answer FROM prompts");
    const cold = performance.now() - t0;
    const coldRequests = server.requests.length;
    probe();
    const [check] = await db.execute("SELECT count(answer) FROM answers");
    if (Number(check.rows[0][0]) !== n) throw new Error(`cold view answered ${String(check.rows[0][0])} of ${n} rows`);
    await db.close();
    db = await Database.open({ dataDir: dir }); // the reopen replays the first view, from the cache
    server.reset();
    t0 = performance.now();
    await db.execute("CREATE MATERIALIZED VIEW answers2 AS SELECT id, GENERATE(prompt, 'llm') AS answer FROM prompts");
    const warm = performance.now() - t0;
    const warmRequests = server.requests.length;
    await db.close();
    return { cold: (n / cold) * 1000, warm: (n / warm) * 1000, coldRequests, warmRequests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const generateViewCase: BenchCase = {
  name: "ai-generate-view",
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const n = ctx.quick ? 1_000 : 10_000;
    const runs = roundsFor(ctx, 5);
    const server = await ModelTestServer.start("openai", 8);
    try {
      const stats: RunStats[] = [];
      await oneRun(server, Math.min(n, ctx.quick ? 300 : 1_000)); // warm-up
      for (let r = 0; r < runs; r++) {
        collectGarbage();
        const x = await oneRun(server, n);
        stats.push(x);
        ctx.log(`  ai-generate-view: run ${r + 1}/${runs} cold ${Math.round(x.cold)} rows/s (${x.coldRequests} requests), warm ${Math.round(x.warm)} rows/s (${x.warmRequests} requests)`);
      }
      const m: Measurement = {
        values: new Map([
          ["cold", stats.map((x) => x.cold)],
          ["warm", stats.map((x) => x.warm)],
        ]),
        checks: new Map(),
        heap: new Map(),
        failed: new Map(),
        single: new Map(),
      };
      const note = `${n.toLocaleString("en")} distinct prompts; CREATE MATERIALIZED VIEW ... GENERATE(prompt, 'llm') until every row is answered; local OpenAI-compatible test server answering at once (max_concurrency 16); cold requests per run ${median(stats.map((x) => x.coldRequests))}, warm ${median(stats.map((x) => x.warmRequests))} (after a restart, from ai/answers.cache)`;
      return [
        resultRow(m, { name: "ai-generate-view/cold", unit: "rows/s", higherIsBetter: true, sage: "cold", peers: [], notes: note }),
        resultRow(m, { name: "ai-generate-view/warm", unit: "rows/s", higherIsBetter: true, sage: "warm", peers: ["cold"], notes: `${note}; the ratio is warm over cold (the cache's speedup)` }),
      ];
    } finally {
      await server.close();
    }
  },
};

export const aiModule: BenchModule = {
  name: "ai",
  description: "GENERATE in a materialized view: answer cache cold versus warm (after a restart)",
  cases: [generateViewCase],
};
