// Rendering results: the terminal table and BENCHMARKS.md.

import type { BenchModule, BenchResult } from "./harness.js";
import { fmt } from "./harness.js";

export interface RunMeta {
  date: string;
  quick: boolean;
  seconds: number;
  machine: { cores: number; cpu: string; memoryGB: number; os: string; loadBefore?: number; loadAfter?: number };
  node: string;
  versions: Record<string, string>;
  failures: string[];
}

function peerNames(rows: readonly BenchResult[]): string[] {
  const names: string[] = [];
  for (const r of rows) for (const p of Object.keys(r.peers)) if (!names.includes(p)) names.push(p);
  return names;
}

function ratioText(r: BenchResult, peer: string): string {
  const x = r.ratios?.[peer];
  if (x === undefined) return "";
  return ` (×${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)})`;
}

function cell(r: BenchResult, peer: string): string {
  const v = r.peers[peer];
  return v === undefined ? "" : `${fmt(v)}${ratioText(r, peer)}`;
}

function sageCell(r: BenchResult): string {
  return `${fmt(r.sage)} [${fmt(r.min)}–${fmt(r.max)}]`;
}

/** The terminal table: one line per row, one column per peer (figure and sage/peer ratio). */
export function renderTable(rows: readonly BenchResult[]): string {
  const peers = peerNames(rows);
  const header = ["benchmark", "unit", "sage (median [min–max])", ...peers, "target", "peak RSS MB"];
  const lines = rows.map((r) => [
    r.name,
    r.unit,
    sageCell(r),
    ...peers.map((p) => cell(r, p)),
    r.target ? (r.target.met ? "met" : "MISSED") : "",
    r.peak_rss_mb !== undefined ? String(r.peak_rss_mb) : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmtLine = (l: string[]) => l.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const out = [fmtLine(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(fmtLine)];
  out.push("", "ratio (×n): sage relative to that peer, median of per-round pairs; > 1 means sage is better.");
  return out.join("\n");
}

function mdTable(rows: readonly BenchResult[]): string {
  const peers = peerNames(rows);
  const head = ["benchmark", "unit", "sage median [min–max]", ...peers, "target", "runs", "peak RSS / heap MB"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`];
  for (const r of rows) {
    const target = r.target ? `${r.target.met ? "met" : "**missed**"}: ${r.target.text}` : "";
    lines.push(`| ${[r.name, r.unit, sageCell(r), ...peers.map((p) => cell(r, p)), target, String(r.runs), `${r.peak_rss_mb ?? ""} / ${r.peak_heap_mb ?? ""}`].join(" | ")} |`);
  }
  return lines.join("\n");
}

function notesList(rows: readonly BenchResult[]): string {
  return rows
    .filter((r) => r.notes || (r.heap_mb && Object.keys(r.heap_mb).length))
    .map((r) => {
      const heap = r.heap_mb && Object.keys(r.heap_mb).length ? ` Heap held during a run (MB): ${Object.entries(r.heap_mb).map(([k, v]) => `${k} ${v}`).join(", ")}.` : "";
      return `- **${r.name}**: ${r.notes ?? ""}${heap}`;
    })
    .join("\n");
}

/** Rows grouped by the part of their name before "/" (one table per group, with that group's peers). */
function groups(rows: readonly BenchResult[]): BenchResult[][] {
  const out = new Map<string, BenchResult[]>();
  for (const r of rows) {
    const g = r.name.split("/")[0];
    if (!out.has(g)) out.set(g, []);
    out.get(g)!.push(r);
  }
  return [...out.values()];
}

function runSection(title: string, run: { rows: BenchResult[]; meta: RunMeta } | undefined): string {
  if (!run) return `## ${title}\n\nNot run yet.\n`;
  const m = run.meta;
  const v = Object.entries(m.versions).map(([k, x]) => `${k} ${x}`).join(", ");
  return [
    `## ${title}`,
    "",
    `Run on ${m.date}: ${m.machine.cores} cores (${m.machine.cpu}), ${m.machine.memoryGB} GB memory, ${m.machine.os}; Node ${m.node}; ${v}. ` +
      `Load average ${m.machine.loadBefore ?? "?"} before, ${m.machine.loadAfter ?? "?"} after (other work on the machine skews absolute figures; paired ratios suffer least). ` +
      `Took ${Math.round(m.seconds)} s.${m.failures.length ? ` Failed: ${m.failures.join("; ")}.` : ""}`,
    "",
    ...groups(run.rows).flatMap((g) => [`### ${g[0].name.split("/")[0]}`, "", mdTable(g), ""]),
    "Ratios (×n) are sage relative to the peer (for throughput sage/peer, for times peer/sage), the median of the per-round pairs; above 1 sage is better.",
    "",
    "Notes per row:",
    "",
    notesList(run.rows),
    "",
  ].join("\n");
}

export function renderMarkdown(o: {
  full: { rows: BenchResult[]; meta: RunMeta } | undefined;
  quick: { rows: BenchResult[]; meta: RunMeta } | undefined;
  findings: string;
  modules: BenchModule[];
}): string {
  const modules = o.modules.map((m) => `- \`${m.name}\`: ${m.description} (cases: ${m.cases.map((c) => `\`${c.name}\``).join(", ")})`).join("\n");
  return [
    "# Benchmarks",
    "",
    "Generated by `npm run bench` from `bench/results/` (do not edit by hand; the analysis comes from `bench/findings.md`).",
    "",
    "## How to reproduce",
    "",
    "```sh",
    "npm install                      # builds dist/, installs the peers (devDependencies)",
    "npm run build && npm run bench   # full sizes; writes bench/results/<date>.json and this file",
    "npm run bench -- --quick         # reduced sizes of everything, 2 rounds per case, under 3 minutes",
    "npm run bench -- --only nexmark  # one module, or one case: --only nexmark-q3; --list shows them",
    "```",
    "",
    "Every case runs in its own child process (`node --expose-gc`), warms up, then runs ≥ 5 rounds (`--quick`: 2 rounds, a smoke test of every case); each round runs every contender once " +
      "(in rotating order), so ratios pair runs made under the same conditions. Figures are medians with [min–max] over the rounds. " +
      "Peak RSS and peak heap are those of the case's process (all its contenders); the per-contender heap held during a run is in the notes.",
    "",
    "Modules:",
    "",
    modules,
    "",
    o.findings.trim(),
    "",
    runSection("Full size", o.full),
    runSection("Quick (`--quick`)", o.quick),
  ].join("\n");
}
