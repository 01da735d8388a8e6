// `npm run bench` — runs every benchmark module, prints one table (benchmark, unit, sage figure,
// each peer's figure and the sage/peer ratio), writes bench/results/<YYYY-MM-DD>.json and rewrites
// BENCHMARKS.md.
//
//   npm run bench                    full sizes
//   npm run bench -- --quick         reduced sizes of everything, 2 rounds per case (under 3 minutes)
//   npm run bench -- --only NAME     one module or case (e.g. incremental, groupby-insert, nexmark-q3)
//   npm run bench -- --list          the registry
//   npm run bench -- --render        only regenerate BENCHMARKS.md from bench/results/
//
// Each case runs in its own child process (node --expose-gc), so that its peak RSS and heap are
// its own and no JIT or GC state leaks from one case into the next.

import { fork } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, BenchContext, BenchModule, BenchResult } from "./lib/harness.js";
import { QUICK_RUNS, peakHeapMB, peakRssMB } from "./lib/harness.js";
import { renderMarkdown, renderTable, type RunMeta } from "./lib/report.js";
import { groupByModule } from "./incremental/groupby.js";
import { nexmarkModule } from "./nexmark/nexmark.js";
import { historyModule } from "./maintenance/history.js";
import { latencyModule } from "./latency/subscribe.js";
import { aiModule } from "./ai/generate-view.js";
import { serverModule } from "./server/pgbench-select.js";
import { recoveryModule } from "./storage/recovery.js";
import { observeModule } from "./observe/metrics-scrape.js";
import { connectorsModule } from "./connectors/connectors.js";
import { clusterModule } from "./cluster/exchange.js";
import { clusterScaleModule } from "./cluster/scale.js";

/**
 * The registry. Hooks for figures still to come: AI embedding
 * throughput, HNSW recall/QPS: bench/ai/ holds standalone scripts today; once one exports a
 * function, wrap it in a BenchModule and list it here). A module is any BenchModule: a name, a
 * description and cases that each return result rows.
 */
export const MODULES: BenchModule[] = [groupByModule, nexmarkModule, historyModule, latencyModule, aiModule, serverModule, recoveryModule, observeModule, connectorsModule, clusterModule, clusterScaleModule];

/** A whole `--quick` run should finish within this (about 2 minutes on an idle 2-core machine). */
const QUICK_BUDGET_SECONDS = 180;

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const resultsDir = join(repo, "bench", "results");

interface ChildReport {
  results?: BenchResult[];
  error?: string;
  peakRssMB: number;
  peakHeapMB: number;
  seconds: number;
}

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const i = argv.indexOf("--only");
  const only = i >= 0 ? argv[i + 1] : undefined;
  const c = argv.indexOf("--child");
  const child = c >= 0 ? argv[c + 1] : undefined;
  return { quick, only, child, list: argv.includes("--list"), noWrite: argv.includes("--no-write"), render: argv.includes("--render") };
}

function allCases(): { module: BenchModule; c: BenchCase }[] {
  return MODULES.flatMap((m) => m.cases.map((c) => ({ module: m, c })));
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function runChild(name: string, quick: boolean): Promise<void> {
  const found = allCases().find((x) => x.c.name === name);
  const t0 = performance.now();
  const ctx: BenchContext = { quick, log };
  let report: ChildReport;
  try {
    if (!found) throw new Error(`no benchmark case "${name}"`);
    const results = await found.c.run(ctx);
    report = { results, peakRssMB: peakRssMB(), peakHeapMB: peakHeapMB(), seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    report = { error: e instanceof Error ? (e.stack ?? e.message) : String(e), peakRssMB: peakRssMB(), peakHeapMB: peakHeapMB(), seconds: (performance.now() - t0) / 1000 };
  }
  process.send!(report, () => process.exit(0));
}

function spawnCase(name: string, quick: boolean): Promise<ChildReport> {
  return new Promise((resolve) => {
    const args = ["--child", name, ...(quick ? ["--quick"] : [])];
    const child = fork(fileURLToPath(import.meta.url), args, {
      execArgv: ["--expose-gc", "--max-old-space-size=16384"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let got: ChildReport | undefined;
    child.on("message", (m) => (got = m as ChildReport));
    child.on("exit", (code, signal) => {
      resolve(got ?? { error: `child exited with ${signal ?? code}`, peakRssMB: 0, peakHeapMB: 0, seconds: 0 });
    });
  });
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(repo, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

function meta(quick: boolean, seconds: number, failures: string[], loadBefore: number): RunMeta {
  const cpu = cpus();
  return {
    date: today(),
    quick,
    seconds,
    machine: {
      cores: cpu.length,
      cpu: cpu[0]?.model ?? "unknown",
      memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      os: `${platform()} ${release()} ${arch()}`,
      loadBefore: Math.round(loadBefore * 10) / 10,
      loadAfter: Math.round(loadavg()[0] * 10) / 10,
    },
    node: process.version,
    versions: {
      "sage-sql": (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version,
      "@electric-sql/d2ts": versionOf("@electric-sql/d2ts"),
      "@tanstack/db-ivm": versionOf("@tanstack/db-ivm"),
      "@duckdb/node-api": versionOf("@duckdb/node-api"),
    },
    failures,
  };
}

/** The rows of an earlier file of the same day and mode, replaced by this run's rows of the same name. */
function merge(file: string, rows: BenchResult[]): BenchResult[] {
  if (!existsSync(file)) return rows;
  const old = JSON.parse(readFileSync(file, "utf8")) as BenchResult[];
  const names = new Set(rows.map((r) => r.name));
  return [...old.filter((r) => !names.has(r.name)), ...rows];
}

/** The newest results file of a mode ("" = full, "-quick"), with its meta. */
function latest(suffix: string): { rows: BenchResult[]; meta: RunMeta } | undefined {
  if (!existsSync(resultsDir)) return undefined;
  const re = new RegExp(`^\\d{4}-\\d{2}-\\d{2}${suffix}\\.json$`);
  const files = readdirSync(resultsDir).filter((f) => re.test(f)).sort();
  const f = files.at(-1);
  if (!f) return undefined;
  const metaFile = join(resultsDir, f.replace(/\.json$/, ".meta.json"));
  if (!existsSync(metaFile)) return undefined;
  return { rows: JSON.parse(readFileSync(join(resultsDir, f), "utf8")) as BenchResult[], meta: JSON.parse(readFileSync(metaFile, "utf8")) as RunMeta };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args.child, args.quick);
  if (args.list) {
    for (const m of MODULES) {
      console.log(`${m.name}: ${m.description}`);
      for (const c of m.cases) console.log(`  ${c.name}`);
    }
    return;
  }
  if (args.render) return renderBenchmarksMd();
  const selected = allCases().filter(({ module, c }) => !args.only || module.name === args.only || c.name === args.only || c.name.startsWith(`${args.only}-`));
  if (selected.length === 0) throw new Error(`nothing matches --only ${args.only}; see --list`);
  const t0 = performance.now();
  const loadBefore = loadavg()[0];
  if (loadBefore > cpus().length * 0.5) log(`warning: load average ${loadBefore.toFixed(1)} on ${cpus().length} cores: other work will skew the figures (ratios pair rounds, so they suffer least)`);
  const rows: BenchResult[] = [];
  const failures: string[] = [];
  for (const { c } of selected) {
    log(`▶ ${c.name}${args.quick ? " (quick)" : ""}`);
    const r = await spawnCase(c.name, args.quick);
    if (r.error) {
      failures.push(`${c.name}: ${r.error.split("\n")[0]}`);
      log(`✗ ${c.name} failed: ${r.error}`);
      continue;
    }
    for (const row of r.results ?? []) rows.push({ ...row, peak_rss_mb: Math.round(r.peakRssMB), peak_heap_mb: Math.round(r.peakHeapMB) });
    log(`✓ ${c.name} in ${r.seconds.toFixed(1)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB`);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (args.quick) console.log(`quick run: reduced sizes, warm-up then ${QUICK_RUNS} rounds per case (full runs: >= 5)`);
  console.log(renderTable(rows));
  console.log(`\n${selected.length} case(s) in ${seconds.toFixed(0)} s${failures.length ? `; FAILED: ${failures.join("; ")}` : ""}`);
  // issue 7: the whole quick suite must stay a few-minute smoke test
  if (args.quick && !args.only && seconds > QUICK_BUDGET_SECONDS) log(`warning: the quick run took ${seconds.toFixed(0)} s, over its ${QUICK_BUDGET_SECONDS} s budget (load average now ${loadavg()[0].toFixed(1)}); shrink the slowest quick sizes`);
  if (args.noWrite) return;
  mkdirSync(resultsDir, { recursive: true });
  const suffix = args.quick ? "-quick" : "";
  const file = join(resultsDir, `${today()}${suffix}.json`);
  const merged = args.only ? merge(file, rows) : rows;
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  // an --only run adds its rows to the day's file; the header (duration, load, machine) stays the whole run's
  const metaFile = file.replace(/\.json$/, ".meta.json");
  if (!args.only || !existsSync(metaFile)) writeFileSync(metaFile, `${JSON.stringify(meta(args.quick, seconds, failures, loadBefore), null, 2)}\n`);
  log(`wrote ${file}`);
  renderBenchmarksMd();
}

/** BENCHMARKS.md from the newest full and quick results and bench/findings.md (also: --render). */
function renderBenchmarksMd(): void {
  const findingsFile = join(repo, "bench", "findings.md");
  const findings = existsSync(findingsFile) ? readFileSync(findingsFile, "utf8") : "";
  writeFileSync(join(repo, "BENCHMARKS.md"), renderMarkdown({ full: latest(""), quick: latest("-quick"), findings, modules: MODULES }));
  log("rewrote BENCHMARKS.md");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
