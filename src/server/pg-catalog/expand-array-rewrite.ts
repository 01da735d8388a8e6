// information_schema._pg_expandarray(arr) returns a set of (x, n) composites: each element and
// its 1-based position. pgjdbc's DatabaseMetaData.getPrimaryKeys (and getIndexInfo) call it in
// the select list and pick fields: `(information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ`,
// `information_schema._pg_expandarray(i.indkey) AS KEYS`, then `(result.KEYS).x` outside. The
// engine has neither set-returning functions in the select list nor composite fields, so the
// query is rewritten into the equivalent lateral join over `unnest(arr) WITH ORDINALITY`:
// the field selections read the join's columns, the bare call reads the element (`x`), and the
// outer `(alias).x` reads that column as is.

import { callArgs } from "./query-rewrite.js";

const CALL = /information_schema\s*\.\s*_pg_expandarray\s*\(/gi;
const JOINED = "sage_expand";

/** Rewrites the _pg_expandarray calls of `sql` (all over one array expression); else returns it unchanged. */
export function rewriteExpandArray(sql: string): string {
  const calls: { start: number; end: number; arg: string }[] = [];
  CALL.lastIndex = 0;
  for (let m = CALL.exec(sql); m !== null; m = CALL.exec(sql)) {
    const open = m.index + m[0].length - 1;
    const call = callArgs(sql, open);
    if (!call || call.args.length !== 1) return sql;
    calls.push({ start: m.index, end: call.close + 1, arg: call.args[0] });
    CALL.lastIndex = call.close + 1;
  }
  if (calls.length === 0 || calls.some((c) => c.arg !== calls[0].arg)) return sql;

  let out = "";
  let at = 0;
  for (const c of calls) {
    // `(call).field` reads the joined column; the bare call reads the element
    const before = /\(\s*$/.exec(sql.slice(at, c.start));
    const field = /^\s*\)\s*\.\s*(x|n)\b/i.exec(sql.slice(c.end));
    if (before && field) {
      out += sql.slice(at, c.start - before[0].length) + `${JOINED}.${field[1].toLowerCase()}`;
      at = c.end + field[0].length;
    } else {
      out += sql.slice(at, c.start) + `${JOINED}.x`;
      at = c.end;
    }
  }
  const rest = sql.slice(at);
  const insertAt = out.length + clauseEnd(rest);
  out += rest;
  const join = ` JOIN LATERAL (SELECT sage_u.x, sage_u.n FROM unnest(${calls[0].arg}) WITH ORDINALITY AS sage_u(x, n)) ${JOINED} ON true `;
  out = out.slice(0, insertAt) + join + out.slice(insertAt);
  // the element column is already x: `(alias.KEYS).x` becomes `alias.KEYS`
  return out.replace(/\(\s*((?:[A-Za-z_][A-Za-z0-9_]*\s*\.\s*)?[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*\.\s*x\b/g, "$1");
}

/** Where the FROM clause after the select list ends: before its WHERE / GROUP / ORDER / LIMIT, or the subquery's `)`. */
function clauseEnd(sql: string): number {
  let depth = 0;
  let fromSeen = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") {
      const close = sql.indexOf("'", i + 1);
      i = close < 0 ? sql.length : close;
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && /[A-Za-z]/.test(ch) && (i === 0 || !/[A-Za-z0-9_]/.test(sql[i - 1]))) {
      const word = /^[A-Za-z_]+/.exec(sql.slice(i))![0].toLowerCase();
      if (word === "from") fromSeen = true;
      else if (fromSeen && (word === "where" || word === "group" || word === "order" || word === "limit" || word === "union")) return i;
      i += word.length - 1;
    }
  }
  return sql.length;
}
