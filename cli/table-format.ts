// psql's default output formats for a result table, character for character (psql 15, border 1,
// ascii line style): "aligned" (headers centred, `-`/`+` rule, numbers right-aligned, text
// left-aligned, `+` where a value continues on the next line, `(N rows)` footer, blank line) and
// "expanded" (`\x`: one `-[ RECORD n ]-` block per row). The input is already text: each cell is
// the value's text form, or "" for NULL (psql's default `\pset null ''`).

import { formatLines, displayWidth, type DisplayLine } from "./display-width.js";

export type Align = "left" | "right";

export interface TableContent {
  /** printed above the table, centred over it (psql's `\d` titles such as "List of relations") */
  title?: string;
  headers: string[];
  aligns: Align[];
  rows: string[][];
  /** footer lines; default `(N rows)`; an empty array prints none */
  footers?: string[];
}

export function rowCountFooter(n: number): string {
  return n === 1 ? "(1 row)" : `(${n} rows)`;
}

/** psql's "aligned" format with border 1. Ends with the blank line psql prints after a table. */
export function formatAligned(t: TableContent): string {
  const n = t.headers.length;
  const headerLines = t.headers.map(formatLines);
  const cellLines = t.rows.map((row) => row.map(formatLines));
  const widths = headerLines.map((lines) => maxWidth(lines));
  for (const row of cellLines) {
    for (let c = 0; c < n; c++) widths[c] = Math.max(widths[c], maxWidth(row[c]));
  }
  const out: string[] = [];

  if (t.title !== undefined) {
    let totalWidth = n * 3 - (n > 0 ? 1 : 0);
    for (const w of widths) totalWidth += w;
    const titleWidth = displayWidth(t.title);
    out.push(titleWidth >= totalWidth ? t.title : " ".repeat(Math.floor((totalWidth - titleWidth) / 2)) + t.title);
  }

  // headers, centred; a header with several lines marks each continued line with `+`
  const headerHeight = n === 0 ? 0 : Math.max(...headerLines.map((l) => l.length));
  for (let l = 0; l < headerHeight; l++) {
    let line = "";
    for (let c = 0; c < n; c++) {
      line += " ";
      const lines = headerLines[c];
      if (l < lines.length) {
        const space = widths[c] - lines[l].width;
        line += " ".repeat(Math.floor(space / 2)) + lines[l].text + " ".repeat(Math.floor((space + 1) / 2));
        line += l < lines.length - 1 ? "+" : " ";
      } else {
        line += " ".repeat(widths[c]) + " ";
      }
      if (c < n - 1) line += "|";
    }
    out.push(line);
  }
  out.push("-" + widths.map((w) => "-".repeat(w)).join("-+-") + "-");

  for (const row of cellLines) {
    const height = n === 0 ? 0 : Math.max(...row.map((l) => l.length));
    for (let l = 0; l < height; l++) {
      let line = "";
      for (let c = 0; c < n; c++) {
        const last = c === n - 1;
        const lines = row[c];
        line += " ";
        if (l >= lines.length) {
          if (!last) line += " ".repeat(widths[c]) + " ";
        } else {
          const { text, width } = lines[l];
          const continues = l < lines.length - 1;
          const pad = " ".repeat(widths[c] - width);
          if (t.aligns[c] === "right") line += pad + text;
          else line += text + (!last || continues ? pad : "");
          if (continues) line += "+";
          else if (!last) line += " ";
        }
        if (!last) line += "|";
      }
      out.push(line);
    }
  }

  for (const f of t.footers ?? [rowCountFooter(t.rows.length)]) out.push(f);
  return out.join("\n") + "\n\n";
}

/** psql's "expanded" format (`\x`) with border 1; no row-count footer, as psql prints none. */
export function formatExpanded(t: TableContent): string {
  const out: string[] = [];
  if (t.rows.length === 0) {
    for (const f of t.footers ?? [rowCountFooter(0)]) out.push(f);
    return out.join("\n") + "\n\n";
  }
  const headerLines = t.headers.map(formatLines);
  const cellLines = t.rows.map((row) => row.map(formatLines));
  const hwidth = Math.max(0, ...headerLines.map(maxWidth));
  let dwidth = 0;
  let dmultiline = false;
  for (const row of cellLines) {
    for (const lines of row) {
      dwidth = Math.max(dwidth, maxWidth(lines));
      if (lines.length > 1) dmultiline = true;
    }
  }
  if (t.title !== undefined) out.push(t.title);

  cellLines.forEach((row, r) => {
    out.push(recordRule(r + 1, hwidth, dwidth));
    row.forEach((data, c) => {
      const header = headerLines[c];
      const height = Math.max(header.length, data.length);
      for (let l = 0; l < height; l++) {
        let line = "";
        if (l < header.length) {
          line += header[l].text + " ".repeat(hwidth - header[l].width);
          line += l < header.length - 1 ? "+" : " ";
        } else {
          line += " ".repeat(hwidth + 1);
        }
        line += "|";
        if (l < data.length) {
          line += " " + data[l].text;
          if (l < data.length - 1 && dmultiline) line += " ".repeat(dwidth - data[l].width) + "+";
        }
        out.push(line);
      }
    });
  });
  if (t.footers !== undefined && t.footers.length > 0) {
    out.push("");
    for (const f of t.footers) out.push(f);
  }
  return out.join("\n") + "\n\n";
}

/** The `-[ RECORD n ]-----` line: the label, then dashes to cover both columns. */
function recordRule(record: number, hwidth: number, dwidth: number): string {
  const label = `[ RECORD ${record} ]`;
  let line = "-" + label;
  let reclen = label.length + 1;
  for (let i = reclen; i < hwidth; i++) line += "-";
  reclen -= hwidth;
  for (const ch of ["-", "+", "-"]) {
    if (reclen-- <= 0) line += ch;
  }
  if (reclen < 0) reclen = 0;
  for (let i = reclen; i < dwidth; i++) line += "-";
  return line;
}

function maxWidth(lines: DisplayLine[]): number {
  let w = 0;
  for (const l of lines) if (l.width > w) w = l.width;
  return w;
}
