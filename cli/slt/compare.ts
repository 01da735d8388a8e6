// Turning a query's result into sqllogictest values and comparing them with a record's expected
// results.
//
// Rendering: NULL is `NULL`, the empty string `(empty)`. In the "classic" rendering the record's
// type letters matter as in SQLite's runner: `I` prints an integer (a fraction is truncated toward
// zero, a boolean is 1/0 as the PostgreSQL ODBC driver the classic corpus was checked with gives
// it), `R` prints `%.3f`; everything else is the value's Postgres text form. The "plain" rendering
// is the Postgres text form for every letter (what sqllogictest-rs files written against
// Postgres/RisingWave list). A result matches if it matches in either rendering.
//
// Layout: the classic corpus lists one value per line (row by row); sqllogictest-rs and DuckDB
// files list one row per line, values separated by whitespace. Both are tried; whitespace runs
// compare equal to one space (sqllogictest-rs's normalisation). rowsort and valuesort sort both
// sides, so hand-written expected results need not be in sorted order.

import type { ExpectedRows, SortMode } from "./parser.js";
import { hashValues } from "./hash.js";

/** What a result column holds, as far as rendering cares. */
export type ValueKind = "integer" | "float" | "numeric" | "boolean" | "text";

export interface ResultSet {
  columns: { name: string; kind: ValueKind }[];
  /** each cell in Postgres text form, or null */
  rows: (string | null)[][];
}

export type Rendering = "classic" | "plain";

export interface Mismatch {
  reason: string;
  /** expected and actual results, laid out alike, for the report */
  expected: string[];
  actual: string[];
}

export function renderValue(cell: string | null, kind: ValueKind, letter: string, rendering: Rendering): string {
  if (cell === null) return "NULL";
  if (cell === "") return "(empty)";
  if (rendering === "plain") return cell;
  if (letter === "I") return asInteger(cell, kind);
  if (letter === "R") return asReal(cell, kind);
  return cell;
}

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function asInteger(cell: string, kind: ValueKind): string {
  if (kind === "integer") return cell;
  if (kind === "boolean") return cell === "t" ? "1" : cell === "f" ? "0" : cell;
  if (!NUMBER_TEXT.test(cell)) return cell;
  const plain = /^\s*([-+]?)(\d*)(?:\.\d*)?\s*$/.exec(cell);
  if (plain) {
    const digits = plain[2].replace(/^0+/, "");
    return digits === "" ? "0" : (plain[1] === "-" ? "-" : "") + digits;
  }
  const x = Number(cell);
  return Number.isFinite(x) ? BigInt(Math.trunc(x)).toString() : cell;
}

function asReal(cell: string, kind: ValueKind): string {
  if (kind === "boolean") return cell === "t" ? "1.000" : cell === "f" ? "0.000" : cell;
  if (NUMBER_TEXT.test(cell) || /^\s*[-+]?(Infinity|NaN)\s*$/.test(cell)) return formatReal(Number(cell));
  return cell;
}

/** C's printf("%.3f", x), exact ties rounding to even like glibc. */
export function formatReal(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a >= 1e21) return sign + BigInt(a).toString() + ".000";
  let text = a.toFixed(3);
  // toFixed breaks an exact tie upward; printf breaks it toward the even digit
  const exact = a.toFixed(100);
  const dot = exact.indexOf(".");
  if (/^50*$/.test(exact.slice(dot + 4))) {
    let n = BigInt(text.replace(".", ""));
    if (n % 2n === 1n) {
      n -= 1n;
      const digits = n.toString().padStart(4, "0");
      text = digits.slice(0, -3) + "." + digits.slice(-3);
    }
  }
  return sign + text;
}

/** Compares rows of values as classic sqllogictest does: column by column, as strings. */
export function compareRowValues(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** Rows in the order the sort mode asks for; valuesort gives one value per row. */
export function sortRows(rows: string[][], mode: SortMode): string[][] {
  if (mode === "rowsort") return [...rows].sort(compareRowValues);
  if (mode === "valuesort") return rows.flat().sort(compareStrings).map((v) => [v]);
  return rows;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const normalize = (s: string): string => s.trim().replace(/\s+/g, " ");

/**
 * Checks a result against what a query record expects; null when it matches.
 * `types` is the record's type string (one letter per column).
 */
export function compareResult(expect: ExpectedRows, result: ResultSet, types: string, sortMode: SortMode): Mismatch | null {
  const ncols = result.columns.length;
  if (types.length !== ncols) {
    const rows = renderAll(result, types, "plain").map((r) => r.join(" "));
    return {
      reason: `expected ${types.length} column${types.length === 1 ? "" : "s"} (query ${types}), got ${ncols}`,
      expected: expect.kind === "hash" ? [`${expect.count} values hashing to ${expect.hash}`] : expect.lines,
      actual: rows,
    };
  }
  let first: Mismatch | null = null;
  for (const rendering of ["classic", "plain"] as const) {
    const mismatch = compareRendered(expect, renderAll(result, types, rendering), ncols, sortMode);
    if (mismatch === null) return null;
    first ??= mismatch;
  }
  return first;
}

function renderAll(result: ResultSet, types: string, rendering: Rendering): string[][] {
  return result.rows.map((row) => row.map((cell, i) => renderValue(cell, result.columns[i].kind, types[i] ?? "T", rendering)));
}

function compareRendered(expect: ExpectedRows, rendered: string[][], ncols: number, sortMode: SortMode): Mismatch | null {
  const sorted = sortRows(rendered, sortMode);
  const values = sorted.flat();

  if (expect.kind === "hash") {
    const hash = hashValues(values);
    if (values.length === expect.count && hash === expect.hash) return null;
    const reason =
      values.length !== expect.count
        ? `expected ${expect.count} values, got ${values.length}`
        : "values differ (hash mismatch)";
    return {
      reason,
      expected: [`${expect.count} values hashing to ${expect.hash}`],
      actual: [`${values.length} values hashing to ${hash}`, ...sorted.slice(0, 20).map((r) => r.join(" ")), ...(sorted.length > 20 ? ["..."] : [])],
    };
  }

  const lines = expect.lines.map(normalize);
  const actualValues = values.map(normalize);
  const actualRows = sorted.map((r) => r.map(normalize).join(" "));

  // one value per line (classic)
  let expectedValues: string[] | null = null;
  if (lines.length === actualValues.length) {
    expectedValues = sortValueLines(lines, ncols, sortMode);
    if (equal(expectedValues, actualValues)) return null;
  }
  // one row per line (sqllogictest-rs, DuckDB)
  let expectedRows: string[] = sortMode === "nosort" ? lines : [...lines].sort(compareStrings);
  if (lines.length === actualRows.length) {
    const actual = sortMode === "nosort" ? actualRows : [...actualRows].sort(compareStrings);
    if (equal(expectedRows, actual)) return null;
  }
  // valuesort over rows written one per line: compare the values
  if (sortMode === "valuesort") {
    const tokens = lines.flatMap((l) => (l === "" ? [] : l.split(" "))).sort(compareStrings);
    if (equal(tokens, actualValues)) return null;
  }

  const valuePerLine =
    ncols > 1 &&
    lines.length > 0 &&
    lines.length !== actualRows.length &&
    (lines.length === actualValues.length || (lines.length % ncols === 0 && lines.every((l) => !l.includes(" "))));
  let reason = "results differ";
  if (valuePerLine && lines.length !== actualValues.length) reason = `expected ${lines.length} values, got ${actualValues.length}`;
  else if (!valuePerLine && lines.length !== actualRows.length) reason = `expected ${lines.length} row${lines.length === 1 ? "" : "s"}, got ${actualRows.length}`;
  if (valuePerLine) {
    expectedValues ??= lines.length % ncols === 0 ? sortValueLines(lines, ncols, sortMode) : lines;
    return { reason, expected: expectedValues, actual: actualValues };
  }
  if (sortMode !== "nosort") expectedRows = [...lines].sort(compareStrings);
  return { reason, expected: sortMode === "nosort" ? lines : expectedRows, actual: actualRows };
}

/** Expected values written one per line, put in the order the sort mode gives the actual ones. */
function sortValueLines(lines: string[], ncols: number, sortMode: SortMode): string[] {
  if (sortMode === "valuesort") return [...lines].sort(compareStrings);
  if (sortMode === "rowsort" && ncols > 0 && lines.length % ncols === 0) {
    const rows: string[][] = [];
    for (let i = 0; i < lines.length; i += ncols) rows.push(lines.slice(i, i + ncols));
    return rows.sort(compareRowValues).flat();
  }
  return lines;
}

function equal(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
