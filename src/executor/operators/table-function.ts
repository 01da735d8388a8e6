// TableFunction (source): a set-returning function in FROM — generate_series over integers,
// bigints, numerics and timestamps (with an interval step), and unnest of one or more arrays
// (zipped, shorter ones padded with NULL) — optionally WITH ORDINALITY (a trailing bigint 1, 2, ...).
// Arguments are constants, parameters or outer values, evaluated once; a NULL argument gives no
// rows (the functions are strict). State: the row generator.

import { Decimal, getFunction, resolveOperator, SqlError, SqlState, type DataType } from "../../types/index.js";
import type { TableFunctionNode } from "../../planner/physical-plan.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { evalConst, userFunctionId } from "../expression/compile.js";
import { CHUNK_SIZE, type Emit, type Message, type OperatorEnv, type SourceOperator } from "../message.js";

type RowGen = Iterator<unknown[]>;

function zeroStep(): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, "step size cannot equal zero");
}

function* seriesNumber(start: number, stop: number, step: number): Generator<unknown[]> {
  if (step === 0) throw zeroStep();
  if (step > 0) for (let v = start; v <= stop; v += step) yield [v];
  else for (let v = start; v >= stop; v += step) yield [v];
}

function* seriesBigint(start: bigint, stop: bigint, step: bigint): Generator<unknown[]> {
  if (step === 0n) throw zeroStep();
  if (step > 0n) for (let v = start; v <= stop; v += step) yield [v];
  else for (let v = start; v >= stop; v += step) yield [v];
}

function* seriesDecimal(start: Decimal, stop: Decimal, step: Decimal): Generator<unknown[]> {
  if (step.isZero()) throw zeroStep();
  if (start.isNaN() || stop.isNaN() || step.isNaN()) {
    throw new SqlError(SqlState.InvalidParameterValue, "start value cannot be NaN");
  }
  const up = step.sign() > 0;
  for (let v = start; up ? v.cmp(stop) <= 0 : v.cmp(stop) >= 0; v = v.add(step)) yield [v];
}

function* seriesTimestamp(
  start: number,
  stop: number,
  step: unknown,
  add: (ts: number, iv: unknown) => number,
): Generator<unknown[]> {
  const probe = add(start, step);
  if (probe === start) throw zeroStep();
  const up = probe > start;
  for (let v = start; up ? v <= stop : v >= stop; v = add(v, step)) yield [v];
}

function* unnest(arrays: (unknown[] | null)[]): Generator<unknown[]> {
  let len = 0;
  for (const a of arrays) if (a !== null && a.length > len) len = a.length;
  for (let i = 0; i < len; i++) yield arrays.map((a) => (a !== null && i < a.length ? a[i] : null));
}

/** Flattens a possibly multi-dimensional array (unnest yields the elements in storage order). */
function flatten(v: unknown): unknown[] {
  if (!Array.isArray(v)) return [v];
  const out: unknown[] = [];
  for (const e of v) {
    if (Array.isArray(e)) out.push(...flatten(e));
    else out.push(e);
  }
  return out;
}

function toNumberArg(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : (v as number);
}

export class TableFunction implements SourceOperator {
  readonly name = "TableFunction";
  readonly stateFields = [] as const;
  private gen: RowGen | null = null;
  private ordinal = 0;
  private finished = false;

  constructor(
    private readonly node: TableFunctionNode,
    private readonly env: OperatorEnv,
    private readonly emit: Emit,
  ) {}

  private start(): RowGen {
    const { fn, args } = this.node;
    const values = args.map((a) => evalConst(a, this.env.ctx, this.env.outer));
    const name = fn.toLowerCase();
    if (name.startsWith("udf.")) {
      if (!this.env.ctx.udf) throw new SqlError(SqlState.FeatureNotSupported, "user-defined functions are not available here");
      return this.env.ctx.udf.table(userFunctionId(fn), values)[Symbol.iterator]();
    }
    if (name.startsWith("unnest")) {
      return unnest(values.map((v) => (v === null ? null : flatten(v))));
    }
    if (name.startsWith("generate_series")) {
      if (values.some((v) => v === null)) return [][Symbol.iterator]();
      const t: DataType = args[0].type;
      switch (t.id) {
        case "smallint":
        case "integer":
          return seriesNumber(values[0] as number, values[1] as number, values.length > 2 ? (values[2] as number) : 1);
        case "bigint":
          return seriesBigint(
            BigInt(values[0] as bigint),
            BigInt(values[1] as bigint),
            values.length > 2 ? BigInt(values[2] as bigint) : 1n,
          );
        case "numeric":
          return seriesDecimal(
            values[0] as Decimal,
            values[1] as Decimal,
            values.length > 2 ? (values[2] as Decimal) : Decimal.ONE,
          );
        case "timestamp":
        case "timestamptz":
        case "date": {
          if (values.length < 3) throw new SqlError(SqlState.UndefinedFunction, "function generate_series requires a step interval");
          const plus = resolveOperator("+", t.id === "date" ? { id: "timestamp" } : t, args[2].type);
          const f = getFunction(plus.id);
          const ctx = this.env.ctx.eval;
          const add = (ts: number, iv: unknown): number => f.eval([ts, iv], ctx) as number;
          const startTs = t.id === "date" ? toNumberArg(values[0]) * 86400000000 : toNumberArg(values[0]);
          const stopTs = t.id === "date" ? toNumberArg(values[1]) * 86400000000 : toNumberArg(values[1]);
          return seriesTimestamp(startTs, stopTs, values[2], add);
        }
        default:
          return seriesNumber(toNumberArg(values[0]), toNumberArg(values[1]), values.length > 2 ? toNumberArg(values[2]) : 1);
      }
    }
    throw new SqlError(SqlState.UndefinedFunction, `table function ${fn} is not supported`);
  }

  next(): boolean {
    if (this.finished) return false;
    this.gen ??= this.start();
    const types = this.node.types;
    const width = this.node.withOrdinality ? types.length - 1 : types.length;
    let emitted = false;
    const b = new ChunkBuilder(types, (chunk) => {
      emitted = true;
      this.emit({ kind: "chunk", chunk });
    });
    while (b.length < CHUNK_SIZE - 1) {
      const r = this.gen.next();
      if (r.done === true) {
        this.finished = true;
        break;
      }
      for (let c = 0; c < width; c++) b.appendValue(c, r.value[c] ?? null);
      if (this.node.withOrdinality) b.appendValue(width, BigInt(++this.ordinal));
      b.finishRow(1);
    }
    b.flush();
    return emitted || !this.finished;
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
