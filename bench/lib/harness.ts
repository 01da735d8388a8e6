// The benchmark harness: what a benchmark module is, how contenders are measured against each
// other (warm-up, then ≥ 5 interleaved runs so each run pairs sage with every peer under the same
// machine conditions), and what a result row holds. run.ts drives the modules; each module runs in
// its own child process so that its peak RSS and heap are its own.

import { memoryUsage } from "node:process";

/** One row of the results table and of bench/results/<date>.json. */
export interface BenchResult {
  name: string;
  unit: string;
  /** sage-sql's median over the runs */
  sage: number;
  /** each peer's median over the same runs */
  peers: Record<string, number>;
  higher_is_better: boolean;
  runs: number;
  /** sage-sql's min and max over the runs */
  min: number;
  max: number;
  /** median over runs of the pairwise ratio sage/peer (higher_is_better) or peer/sage: > 1 = sage better */
  ratios?: Record<string, number>;
  /** each contender's min/max, for peers */
  peer_min?: Record<string, number>;
  peer_max?: Record<string, number>;
  /** per contender: the most heap its run held above the baseline before it (MB) */
  heap_mb?: Record<string, number>;
  /** peak RSS of the process that ran this benchmark (all its contenders), MB */
  peak_rss_mb?: number;
  /** peak heap used in that process, MB */
  peak_heap_mb?: number;
  /** free text: sizes, what was measured, correctness verdicts */
  notes?: string;
  /** the issue's target for the sage figure, if any, and whether it was met */
  target?: { value: number; met: boolean; text: string };
}

export interface BenchContext {
  quick: boolean;
  /** progress lines (stderr), so stdout stays the table */
  log(msg: string): void;
}

/** A case: one row (or a few related rows) of the table. Each case runs in its own child process. */
export interface BenchCase {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

/**
 * A benchmark module: a named group of cases. Hooks for the server (pgbench), storage
 * (recovery/checkpoint) and AI (embedding throughput, HNSW recall/QPS) figures are modules too:
 * add one to the registry in run.ts.
 */
export interface BenchModule {
  name: string;
  description: string;
  cases: BenchCase[];
}

export interface Sample {
  /** the figure in the benchmark's unit (rows/s, ms, ...) */
  value: number;
  /** a digest of the result, compared across contenders (same final sums, same view contents) */
  check?: string;
}

export interface Contender {
  name: string;
  /** one full run from a fresh state; returns the figure */
  run(runIndex: number): Promise<Sample>;
  /** the figure of this contender is optional: a failure is reported, not fatal */
  optional?: boolean;
}

// ---- memory probing: contenders call probe() at batch boundaries (cheap) ----

let peakHeap = 0;
let contenderPeakHeap = 0;

/** Samples heap use; call it between batches. */
export function probe(): void {
  const h = memoryUsage().heapUsed;
  if (h > peakHeap) peakHeap = h;
  if (h > contenderPeakHeap) contenderPeakHeap = h;
}

export function peakHeapMB(): number {
  probe();
  return peakHeap / 2 ** 20;
}

export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface CompareOptions {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  /** the contender whose figure is "sage" */
  sage: string;
  contenders: Contender[];
  runs: number;
  warmups?: number;
  ctx: BenchContext;
  notes?: string;
}

/**
 * Measures every contender: `warmups` runs each (discarded), then `runs` rounds in which each
 * contender runs once (the order rotates each round). Ratios are computed per round (sage's run
 * against the peer's run of the same round) and their median reported. Checks (result digests)
 * must agree with sage's; a mismatch is recorded in the notes and on stderr.
 */
export async function compare(o: CompareOptions): Promise<BenchResult> {
  const values = new Map<string, number[]>();
  const heap = new Map<string, number>();
  const failed = new Map<string, string>();
  const checks = new Map<string, string | undefined>();
  const active = [...o.contenders];
  const runOne = async (c: Contender, i: number): Promise<Sample | null> => {
    collectGarbage();
    const base = memoryUsage().heapUsed;
    contenderPeakHeap = base;
    try {
      const s = await c.run(i);
      probe();
      const held = (contenderPeakHeap - base) / 2 ** 20;
      heap.set(c.name, Math.max(heap.get(c.name) ?? 0, held));
      return s;
    } catch (e) {
      if (!c.optional && c.name === o.sage) throw e;
      const why = e instanceof Error ? e.message : String(e);
      failed.set(c.name, why);
      o.ctx.log(`  ${o.name}: ${c.name} failed: ${why}`);
      return null;
    }
  };
  for (let w = 0; w < (o.warmups ?? 1); w++) {
    for (const c of [...active]) {
      const s = await runOne(c, -1 - w);
      if (s === null) active.splice(active.indexOf(c), 1);
    }
  }
  for (let r = 0; r < o.runs; r++) {
    const order = active.map((_, i) => active[(i + r) % active.length]);
    for (const c of order) {
      if (failed.has(c.name)) continue;
      const s = await runOne(c, r);
      if (s === null) continue;
      if (!values.has(c.name)) values.set(c.name, []);
      values.get(c.name)!.push(s.value);
      if (!checks.has(c.name)) checks.set(c.name, s.check);
    }
    o.ctx.log(`  ${o.name}: round ${r + 1}/${o.runs} ${active.map((c) => `${c.name}=${fmt(values.get(c.name)?.at(-1) ?? NaN)}`).join(" ")}`);
  }
  const sageValues = values.get(o.sage) ?? [];
  const peers: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const peerMin: Record<string, number> = {};
  const peerMax: Record<string, number> = {};
  const notes: string[] = o.notes ? [o.notes] : [];
  const sageCheck = checks.get(o.sage);
  for (const c of o.contenders) {
    if (c.name === o.sage) continue;
    const vs = values.get(c.name);
    if (!vs || vs.length === 0) {
      notes.push(`${c.name}: ${failed.get(c.name) ?? "no figure"}`);
      continue;
    }
    peers[c.name] = median(vs);
    peerMin[c.name] = Math.min(...vs);
    peerMax[c.name] = Math.max(...vs);
    const pair = vs.map((v, i) => (o.higherIsBetter ? sageValues[i] / v : v / sageValues[i])).filter((x) => Number.isFinite(x));
    if (pair.length) ratios[c.name] = median(pair);
    const pc = checks.get(c.name);
    if (sageCheck !== undefined && pc !== undefined && pc !== sageCheck) {
      notes.push(`RESULT MISMATCH: ${c.name} (${pc}) differs from sage (${sageCheck})`);
      o.ctx.log(`  ${o.name}: RESULT MISMATCH ${c.name}: ${pc} vs sage ${sageCheck}`);
    }
  }
  if (sageCheck !== undefined && !notes.some((n) => n.startsWith("RESULT MISMATCH"))) {
    const same = o.contenders.filter((c) => c.name !== o.sage && checks.get(c.name) !== undefined).map((c) => c.name);
    if (same.length) notes.push(`same final result as ${same.join(", ")}`);
  }
  const heapMb: Record<string, number> = {};
  for (const [k, v] of heap) heapMb[k] = round(v, 1);
  return {
    name: o.name,
    unit: o.unit,
    sage: median(sageValues),
    peers,
    higher_is_better: o.higherIsBetter,
    runs: sageValues.length,
    min: Math.min(...sageValues),
    max: Math.max(...sageValues),
    ratios,
    peer_min: peerMin,
    peer_max: peerMax,
    heap_mb: heapMb,
    notes: notes.join("; ") || undefined,
  };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

/** A figure for humans: 3 significant digits, with k/M suffixes for large numbers. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toPrecision(3);
  return x.toPrecision(2);
}

/** Throughput of `count` items over `ms` milliseconds, per second. */
export function perSecond(count: number, ms: number): number {
  return (count / ms) * 1000;
}
