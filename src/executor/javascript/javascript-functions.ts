// LANGUAGE javascript functions as the executor calls them (through ExecutionContext.udf): converts
// a batch of SQL argument rows to JS values, runs it in the worker pool with the function's time
// and memory limits, and converts the results back. A row whose call throws (or whose result does
// not fit the return type) follows the function's policy: a statement error naming the function
// (22000), or NULL with the error recorded. A batch past its time limit fails with 57014, or under
// the NULL policy gives NULL for the whole batch, recorded once.

import { SqlError, SqlState, type DataType } from "../../types/index.js";
import type { UserFunctionCalls } from "../message.js";
import { JsWorkerPool, WorkerLimitError } from "./js-worker-pool.js";
import { fromJs, toJs } from "./js-values.js";

/** What the executor needs of a function definition (the catalog's FunctionEntry fits). */
export interface JsFunctionDef {
  id: string;
  name: string;
  params: readonly { name?: string; type: DataType }[];
  returns?: DataType;
  returnsTable?: readonly { name: string; type: DataType }[];
  body: string;
  strict: boolean;
  onError: "error" | "null";
  timeoutMs: number;
  memoryMb: number;
}

export interface FunctionErrorRecord {
  function: string;
  message: string;
  /** the arguments in text form, as far as they print */
  input: string;
}

/** JS parameter names: the declared names, `$1`, `$2`, ... for unnamed ones. */
export function jsParamNames(def: Pick<JsFunctionDef, "params">): string[] {
  return def.params.map((p, i) => p.name ?? `$${i + 1}`);
}

function describeArgs(row: unknown[]): string {
  return row.map((v) => (typeof v === "bigint" ? `${v}` : JSON.stringify(v) ?? "null")).join(", ");
}

export class JavaScriptFunctions implements UserFunctionCalls {
  readonly pool: JsWorkerPool;

  constructor(
    private readonly lookup: (id: string) => JsFunctionDef | undefined,
    private readonly recordError: (e: FunctionErrorRecord) => void,
    poolSize = 2,
  ) {
    this.pool = new JsWorkerPool(poolSize);
  }

  private def(id: string): JsFunctionDef {
    const d = this.lookup(id);
    if (d === undefined) throw new SqlError(SqlState.UndefinedFunction, `function ${id} no longer exists`);
    return d;
  }

  /** Runs the batch (columnar args); returns per-row results (null where a row failed under the NULL policy). */
  private runBatch(def: JsFunctionDef, kind: "scalar" | "table", args: unknown[][], count: number): { values: unknown[]; failed: Set<number> } {
    const jsArgs = args.map((col, p) => {
      const t = def.params[p].type;
      const out = new Array<unknown>(count);
      for (let i = 0; i < count; i++) out[i] = toJs(t, col[i]);
      return out;
    });
    const rowArgs = (i: number) => jsArgs.map((c) => c[i]);
    let reply;
    try {
      reply = this.pool.run(
        { kind, key: `${def.id}\u0000${def.body}`, params: jsParamNames(def), body: def.body, columns: def.returnsTable?.map((c) => c.name), args: jsArgs, count },
        def,
      );
    } catch (e) {
      const limit = e instanceof WorkerLimitError;
      const message = e instanceof Error ? e.message : String(e);
      if (def.onError === "null") {
        this.recordError({ function: def.name, message, input: count === 1 ? describeArgs(rowArgs(0)) : `a batch of ${count} rows` });
        return { values: new Array(count).fill(null), failed: new Set(Array.from({ length: count }, (_, i) => i)) };
      }
      throw new SqlError(limit ? SqlState.QueryCanceled : SqlState.DataException, `function ${def.name} ${limit ? "" : "failed: "}${message}`);
    }
    const failed = new Set<number>();
    for (const [i, message] of reply.errors) {
      if (def.onError === "error") throw new SqlError(SqlState.DataException, `function ${def.name} raised an error: ${message}`, { detail: `arguments: (${describeArgs(rowArgs(i))})` });
      this.recordError({ function: def.name, message, input: describeArgs(rowArgs(i)) });
      failed.add(i);
    }
    return { values: reply.values, failed };
  }

  /** Reads a result as `type`; under the NULL policy a value that does not fit becomes NULL. */
  private convert(def: JsFunctionDef, type: DataType, v: unknown, args: unknown[][], row: number): unknown {
    try {
      return fromJs(type, v);
    } catch (e) {
      const message = `returned a value that is not a ${type.id}: ${e instanceof Error ? e.message : String(e)}`;
      if (def.onError === "error") throw new SqlError(SqlState.DataException, `function ${def.name} ${message}`);
      this.recordError({ function: def.name, message, input: describeArgs(args.map((c, p) => toJs(def.params[p].type, c[row]))) });
      return null;
    }
  }

  scalar(id: string, args: unknown[][], count: number): unknown[] {
    const def = this.def(id);
    const out: unknown[] = new Array(count).fill(null);
    // strict functions are not called for rows with a NULL argument
    let live: number[] | null = null;
    if (def.strict) {
      live = [];
      for (let i = 0; i < count; i++) if (!args.some((col) => col[i] === null)) live.push(i);
      if (live.length === 0) return out;
    }
    const picked = live === null ? args : args.map((col) => live!.map((i) => col[i]));
    const n = live === null ? count : live.length;
    const { values, failed } = this.runBatch(def, "scalar", picked, n);
    const type = def.returns!;
    for (let k = 0; k < n; k++) {
      if (failed.has(k)) continue;
      const row = live === null ? k : live[k];
      out[row] = this.convert(def, type, values[k], args, row);
    }
    return out;
  }

  table(id: string, args: unknown[]): unknown[][] {
    const def = this.def(id);
    if (def.strict && args.some((v) => v === null)) return [];
    const { values, failed } = this.runBatch(def, "table", args.map((v) => [v]), 1);
    if (failed.size > 0) return [];
    const cols = def.returnsTable!;
    const colArgs = args.map((v) => [v]);
    return (values[0] as unknown[][]).map((r) => cols.map((c, i) => this.convert(def, c.type, r[i], colArgs, 0)));
  }

  close(): void {
    this.pool.close();
  }
}
