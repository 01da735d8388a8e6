// The benchmark harness: what a benchmark module is, how contenders are measured against each
// other (warm-up, then ≥ 5 interleaved runs so each run pairs sage with every peer under the same
// machine conditions), and what a result row holds. run.ts drives the modules; each module runs in
// its own child process so that its peak RSS and heap are its own.

import { getHeapStatistics } from "node:v8";

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

/**
 * Samples heap use; call it between batches. V8's heap statistics (~0.5 µs), not
 * process.memoryUsage() (~10 µs and more as RSS grows: it reads /proc), whose cost was 14% of the
 * engine core's GROUP BY run in a profile.
 */
export function probe(): void {
  const h = getHeapStatistics().used_heap_size;
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

/**
 * Rounds per case in --quick mode: quick runs are a smoke test of every case at a reduced size
 * (the whole suite in about two minutes), so they take 2 rounds; full runs keep their >= 5.
 */
export const QUICK_RUNS = 2;

/** The rounds a case runs: its full-size `runs`, capped at QUICK_RUNS under --quick. */
export function roundsFor(ctx: BenchContext, runs: number): number {
  return ctx.quick ? Math.min(runs, QUICK_RUNS) : runs;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface MeasureOptions {
  /** label for progress lines */
  name: string;
  contenders: Contender[];
  runs: number;
  warmups?: number;
  ctx: BenchContext;
  /**
   * a contender whose warm-up run takes longer than this many seconds is not run again: its
   * warm-up figure stands as its only figure (noted), so a very slow peer cannot stall the suite
   */
  budgetSeconds?: number;
  /** warm-up continues until the contender has run this long (default 1 s) */
  minWarmupSeconds?: number;
}

/** Every contender's figures over the rounds (index = round), failures, result digests, heap. */
export interface Measurement {
  values: Map<string, number[]>;
  checks: Map<string, string | undefined>;
  heap: Map<string, number>;
  failed: Map<string, string>;
  /** contenders measured once only (over budget), with the seconds their run took */
  single: Map<string, number>;
}

/**
 * Measures every contender: `warmups` runs each (discarded), then `runs` rounds in which each
 * contender runs once (the order rotates each round), so that round i of sage and round i of a
 * peer ran under the same conditions and their ratio pairs them.
 */
export async function measure(o: MeasureOptions): Promise<Measurement> {
  const m: Measurement = { values: new Map(), checks: new Map(), heap: new Map(), failed: new Map(), single: new Map() };
  const runs = roundsFor(o.ctx, o.runs);
  const active = [...o.contenders];
  const runOne = async (c: Contender, i: number): Promise<Sample | null> => {
    collectGarbage();
    const base = getHeapStatistics().used_heap_size;
    contenderPeakHeap = base;
    try {
      const s = await c.run(i);
      probe();
      const held = (contenderPeakHeap - base) / 2 ** 20;
      m.heap.set(c.name, Math.max(m.heap.get(c.name) ?? 0, held));
      return s;
    } catch (e) {
      if (!c.optional) throw e;
      const why = e instanceof Error ? e.message : String(e);
      m.failed.set(c.name, why);
      o.ctx.log(`  ${o.name}: ${c.name} failed: ${why}`);
      return null;
    }
  };
  const budget = o.budgetSeconds ?? Infinity;
  // warm-up: at least `warmups` runs, and for a cheap contender more, until it has run for
  // minWarmupSeconds (a run of a few milliseconds is not yet optimized code after one run)
  const minWarm = o.minWarmupSeconds ?? (o.ctx.quick ? 0.25 : 1);
  for (const c of [...active]) {
    let spent = 0;
    for (let w = 0; w < Math.max(1, o.warmups ?? 1) || (spent < minWarm && w < 50); w++) {
      const t0 = performance.now();
      const s = await runOne(c, -1 - w);
      const seconds = (performance.now() - t0) / 1000;
      spent += seconds;
      if (s === null) {
        active.splice(active.indexOf(c), 1);
        break;
      }
      if (seconds > budget && c.name !== o.contenders[0].name) {
        o.ctx.log(`  ${o.name}: ${c.name} took ${seconds.toFixed(0)} s for one run (budget ${budget} s): measured once only`);
        m.single.set(c.name, seconds);
        m.values.set(c.name, [s.value]);
        m.checks.set(c.name, s.check);
        active.splice(active.indexOf(c), 1);
        break;
      }
    }
  }
  for (let r = 0; r < runs; r++) {
    const order = active.map((_, i) => active[(i + r) % active.length]);
    for (const c of order) {
      if (m.failed.has(c.name)) continue;
      const s = await runOne(c, r);
      if (s === null) continue;
      if (!m.values.has(c.name)) m.values.set(c.name, []);
      m.values.get(c.name)!.push(s.value);
      if (!m.checks.has(c.name)) m.checks.set(c.name, s.check);
    }
    o.ctx.log(`  ${o.name}: round ${r + 1}/${runs} ${active.map((c) => `${c.name}=${fmt(m.values.get(c.name)?.at(-1) ?? NaN)}`).join(" ")}`);
  }
  return m;
}

export interface RowOptions {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  /** the contender whose figure is the row's "sage" figure */
  sage: string;
  /** the contenders shown as peers (default: every other non-sage contender measured) */
  peers?: string[];
  notes?: string;
  target?: { value: number; text: string };
}

/** One result row from a measurement: sage's median/min/max, each peer's median, paired ratios. */
export function resultRow(m: Measurement, o: RowOptions): BenchResult {
  const sageValues = m.values.get(o.sage) ?? [];
  if (sageValues.length === 0) throw new Error(`${o.name}: no figure for ${o.sage}: ${m.failed.get(o.sage) ?? "not run"}`);
  const peerNames = o.peers ?? [...m.values.keys(), ...m.failed.keys()].filter((n) => n !== o.sage && !n.startsWith("sage"));
  const peers: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const peerMin: Record<string, number> = {};
  const peerMax: Record<string, number> = {};
  const notes: string[] = o.notes ? [o.notes] : [];
  const sageCheck = m.checks.get(o.sage);
  const agreeing: string[] = [];
  for (const p of peerNames) {
    const vs = m.values.get(p);
    if (!vs || vs.length === 0) {
      notes.push(`${p}: ${m.failed.get(p) ?? "no figure"}`);
      continue;
    }
    peers[p] = median(vs);
    if (m.single.has(p)) notes.push(`${p}: one run only (it took ${m.single.get(p)!.toFixed(0)} s; ratio against sage's median)`);
    peerMin[p] = Math.min(...vs);
    peerMax[p] = Math.max(...vs);
    const pair: number[] = [];
    for (let i = 0; i < Math.min(vs.length, sageValues.length); i++) {
      const sv = m.single.has(p) ? median(sageValues) : sageValues[i];
      const x = o.higherIsBetter ? sv / vs[i] : vs[i] / sv;
      if (Number.isFinite(x)) pair.push(x);
    }
    if (pair.length) ratios[p] = median(pair);
    const pc = m.checks.get(p);
    if (sageCheck !== undefined && pc !== undefined) {
      if (pc !== sageCheck) notes.push(`RESULT MISMATCH: ${p} gave ${pc}, ${o.sage} gave ${sageCheck}`);
      else agreeing.push(p);
    }
  }
  if (agreeing.length) notes.push(`final result identical across ${[o.sage, ...agreeing].join(", ")}`);
  const heapMb: Record<string, number> = {};
  for (const n of [o.sage, ...peerNames]) if (m.heap.has(n)) heapMb[n] = round(m.heap.get(n)!, 1);
  const sage = median(sageValues);
  const result: BenchResult = {
    name: o.name,
    unit: o.unit,
    sage,
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
  if (o.target) {
    const met = o.higherIsBetter ? sage >= o.target.value : sage <= o.target.value;
    result.target = { value: o.target.value, met, text: o.target.text };
  }
  return result;
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
