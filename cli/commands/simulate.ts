// `sage-sql simulate`: runs the coordinator/worker protocol under the deterministic simulation
// for any number of seeds (worker and leader crashes, pauses past the lease, partitions, slow
// links; views checked against the single-node answer) and prints each failing seed, which
// replays identically from its number, and a summary.

import type { Command } from "commander";
import { simulateCluster } from "../../src/index.js";
import { exitAfterFlush } from "../process-exit.js";

interface SimulateOptions {
  seeds: string;
  from: string;
  views: string;
  windowMs: string;
  batches: string;
  broken?: string;
  codec: string;
  q8?: boolean;
  verbose?: boolean;
}

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("run the cluster protocol under the deterministic simulation for many seeds")
    .option("--seeds <n>", "how many seeds", "100")
    .option("--from <n>", "the first seed", "1")
    .option("--views <which>", "sql (an aggregate and a join+aggregate at parallelism 3), keyed-sum, or both", "sql")
    .option("--window-ms <ms>", "simulated time over which faults and writes happen, per seed", "1500")
    .option("--batches <n>", "write batches per seed", "12")
    .option("--broken <variant>", "run a deliberately broken protocol (stale-frames, skip-leader-fencing) to see it caught")
    .option("--codec <codec>", "exchange frames as arrow (Arrow IPC, production's) or state (the state codec)", "state")
    .option("--q8", "also run a Nexmark-q8-shaped view (tumbling windows, a join of two window aggregates)")
    .option("--verbose", "print every seed")
    .action(async (options: SimulateOptions) => {
      await exitAfterFlush(await simulate(options));
    });
}

function count(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${what} must be an integer >= ${min}, not ${text}`);
  return n;
}

async function simulate(options: SimulateOptions): Promise<number> {
  let seeds: number, from: number, windowMs: number, batches: number;
  try {
    seeds = count(options.seeds, "seeds", 1);
    from = count(options.from, "from", 0);
    windowMs = count(options.windowMs, "window-ms", 200);
    batches = count(options.batches, "batches", 1);
    if (!["sql", "keyed-sum", "both"].includes(options.views)) throw new Error(`--views must be sql, keyed-sum or both, not ${options.views}`);
    if (!["arrow", "state"].includes(options.codec)) throw new Error(`--codec must be arrow or state, not ${options.codec}`);
    if (options.broken !== undefined && !["stale-frames", "skip-leader-fencing"].includes(options.broken)) throw new Error(`--broken must be stale-frames or skip-leader-fencing, not ${options.broken}`);
  } catch (e) {
    process.stderr.write(`sage-sql simulate: ${(e as Error).message}\n`);
    return 2;
  }
  const broken = options.broken === "stale-frames" ? { acceptStaleFrames: true } : options.broken === "skip-leader-fencing" ? { skipLeaderFencing: true } : undefined;
  let done = 0;
  const summary = await simulateCluster({
    seeds,
    from,
    views: options.views as "sql" | "keyed-sum" | "both",
    windowMs,
    batches,
    broken,
    codec: options.codec as "arrow" | "state",
    q8: options.q8,
    onResult: (r) => {
      if (!r.ok) process.stdout.write(`seed ${r.seed} FAILED: ${r.failure}\n  faults: ${r.faults.join("; ") || "none"}\n`);
      else if (options.verbose) process.stdout.write(`seed ${r.seed} ok (${r.faults.length} faults, ${r.generations} generations, ${r.commits} commits, ${r.steps} steps)\n`);
      done++;
      if (done % 500 === 0) process.stderr.write(`${done} runs...\n`);
    },
  });
  const seconds = (summary.ms / 1000).toFixed(1);
  process.stdout.write(`${summary.seeds} seeds from ${from}, ${summary.failures.length} failed, ${seconds} s${summary.failures.length > 0 ? `; failing seeds: ${summary.failures.map((f) => f.seed).join(" ")} (replay one with --from N --seeds 1 --verbose)` : ""}\n`);
  return summary.failures.length > 0 ? 1 : 0;
}
