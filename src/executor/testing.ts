// Helpers for the executor's unit tests: a context over in-memory relations, expression and plan
// builders, and a recorder that turns emitted messages into plain data to compare.

import { Chunk, type DataType, Types } from "../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../planner/physical-plan.js";
import type { Emit, ExecutionContext, Message, OperatorEnv } from "./message.js";

export const I32 = Types.integer;
export const I64 = Types.bigint;
export const F64 = Types.double;
export const TEXT = Types.text;
export const BOOL = Types.boolean;
export const NUM = Types.numeric;

export function testContext(relations: Record<string, Chunk[]> = {}, params: unknown[] = []): ExecutionContext {
  return {
    relations: {
      scan(relation: string, columns: number[]): Iterable<Chunk> {
        const chunks = relations[relation] ?? [];
        return chunks.map((c) => new Chunk(columns.map((i) => c.columns[i]), c.length, c.ops));
      },
    },
    params,
    eval: { now: 0, timeZone: "UTC", random: () => 0.5 },
  };
}

export function testEnv(relations: Record<string, Chunk[]> = {}, params: unknown[] = []): OperatorEnv {
  return { ctx: testContext(relations, params), outer: undefined };
}

export const col = (index: number, type: DataType): BoundExpr => ({ kind: "column", index, type });
export const lit = (value: unknown, type: DataType): BoundExpr => ({ kind: "const", value, type });

export function valuesPlan(types: DataType[], rows: unknown[][]): PhysicalPlan {
  return { kind: "values", types, rows: rows.map((r) => r.map((v, i) => lit(v, types[i]))) };
}

/** A recorded message: rows as [op, ...values], or a barrier / watermark. */
export type Recorded = { rows: unknown[][] } | { barrier: number; final: boolean } | { watermark: number; value: unknown };

export function recorder(): { emit: Emit; out: Recorded[]; rows(): unknown[][] } {
  const out: Recorded[] = [];
  const emit: Emit = (m: Message) => {
    if (m.kind === "chunk") {
      const rows: unknown[][] = [];
      for (let i = 0; i < m.chunk.length; i++) rows.push([m.chunk.op(i), ...m.chunk.row(i)]);
      // consecutive chunks fold together so tests do not depend on chunk boundaries
      const last = out[out.length - 1];
      if (last !== undefined && "rows" in last) last.rows.push(...rows);
      else out.push({ rows });
    } else if (m.kind === "barrier") out.push({ barrier: m.epoch, final: m.final });
    else out.push({ watermark: m.column, value: m.value });
  };
  return {
    emit,
    out,
    rows: () => out.flatMap((r) => ("rows" in r ? r.rows : [])),
  };
}

export function chunk(types: DataType[], rows: unknown[][], ops?: number[]): Message {
  return { kind: "chunk", chunk: Chunk.fromRows(types, rows, ops) };
}

export const barrier = (epoch: number, final = false): Message => ({ kind: "barrier", epoch, final });

/** Sorts rows for order-insensitive comparison. */
export function sorted(rows: unknown[][]): unknown[][] {
  const key = (r: unknown[]): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
