// Text for sqllogictest results: a failing record (file:line, SQL, expected and actual), a file's
// summary line and the totals line ("N passed, N failed, N skipped").

import type { SltFailure, SltFileReport } from "./runner.js";

const MAX_LINES = 40;

export function formatFailure(f: SltFailure): string {
  const out: string[] = [`${f.file}:${f.line}: ${f.message}`];
  if (f.sql) out.push(...indent(f.sql.split("\n"), "    "));
  if (f.expected !== undefined) {
    out.push("  expected:");
    out.push(...indent(limit(f.expected), "    "));
  }
  if (f.actual !== undefined) {
    out.push("  actual:");
    out.push(...indent(limit(f.actual), "    "));
  }
  return out.join("\n") + "\n";
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export function formatCounts(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed` + (c.skipped > 0 ? `, ${c.skipped} skipped` : "");
}

/** `select1.test: 1000 passed, 0 failed` (and why it ended early, if it did). */
export function formatFileSummary(r: SltFileReport, name = r.file): string {
  return `${name}: ${formatCounts(r)}${r.halted ? " (halted)" : ""} in ${formatDuration(r.durationMs)}`;
}

/** Every failure of a report, then its summary: what a vitest case shows when a file fails. */
export function formatFileReport(r: SltFileReport): string {
  return r.failures.map(formatFailure).join("\n") + (r.failures.length ? "\n" : "") + formatFileSummary(r) + "\n";
}

export function totals(reports: readonly SltFileReport[]): Counts {
  const t = { passed: 0, failed: 0, skipped: 0 };
  for (const r of reports) {
    t.passed += r.passed;
    t.failed += r.failed;
    t.skipped += r.skipped;
  }
  return t;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function limit(lines: string[]): string[] {
  if (lines.length === 0) return ["(no rows)"];
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `... (${lines.length - MAX_LINES} more lines)`];
}

function indent(lines: string[], prefix: string): string[] {
  return lines.map((l) => prefix + l);
}
