// Test helpers: parse and drop positions so expected trees stay short.

import { parse, parseExpression } from "./index.js";
import type { Expr, Query, SelectCore, Statement } from "./ast.js";

/** A deep copy without `pos` fields. */
export function noPos<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === "pos" ? undefined : x))) as T;
}

export function stmt(sql: string): Statement {
  const list = parse(sql);
  if (list.length !== 1) throw new Error(`expected one statement, got ${list.length}`);
  const { text: _text, ...rest } = list[0];
  return noPos(rest as Statement);
}

export function expr(sql: string): Expr {
  return noPos(parseExpression(sql));
}

export function query(sql: string): Query {
  const s = stmt(sql);
  if (s.kind !== "select") throw new Error(`not a query: ${s.kind}`);
  return s.query;
}

export function core(sql: string): SelectCore {
  const q = query(sql);
  if (q.body.kind !== "select") throw new Error(`not a select core: ${q.body.kind}`);
  return q.body;
}

export const col = (...parts: string[]): Expr => ({ kind: "column_ref", parts });
export const int = (text: string): Expr => ({ kind: "literal", value: { type: "integer", text } });
export const str = (value: string): Expr => ({ kind: "literal", value: { type: "string", value } });
export const bin = (op: string, left: Expr, right: Expr): Expr => ({ kind: "binary", op, left, right });
export const fn = (name: string, ...args: Expr[]): Expr => ({ kind: "function", name: { parts: [name] }, args });
