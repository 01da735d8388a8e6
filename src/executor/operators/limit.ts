// Limit: skips the first OFFSET rows and passes the next LIMIT rows through as they arrive
// (LIMIT/OFFSET are constants or $n, evaluated once; NULL means no limit / no offset). The input
// must be insert-only (an ad-hoc query): a delete raises 0A000, since retracting from a LIMIT needs
// a TopN operator. State: rows still to skip and rows still to pass.

import { SqlError, SqlState } from "../../types/index.js";
import type { LimitNode } from "../../planner/physical-plan.js";
import { evalConst } from "../expression/compile.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";

function count(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return Math.round(v);
  return Number(String(v));
}

export class Limit implements Operator {
  readonly name = "Limit";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["toSkip", "toPass"] as const;
  private toSkip: number;
  private toPass: number;

  constructor(
    node: LimitNode,
    env: OperatorEnv,
    private readonly emit: Emit,
  ) {
    const limit = node.limit !== undefined ? count(evalConst(node.limit, env.ctx, env.outer)) : null;
    const offset = node.offset !== undefined ? count(evalConst(node.offset, env.ctx, env.outer)) : null;
    if (limit !== null && limit < 0) throw new SqlError(SqlState.InvalidRowCountInLimitClause, "LIMIT must not be negative");
    if (offset !== null && offset < 0) {
      throw new SqlError(SqlState.InvalidRowCountInResultOffsetClause, "OFFSET must not be negative");
    }
    this.toSkip = offset ?? 0;
    this.toPass = limit ?? Infinity;
  }

  /** How many leading input rows can reach the output (offset + limit; Infinity without a limit). */
  get bound(): number {
    return this.toSkip + this.toPass;
  }

  /** Whether no more input can change the output (the driver may stop reading sources). */
  get satisfied(): boolean {
    return this.toPass === 0;
  }

  push(_port: number, msg: Message): void {
    if (msg.kind !== "chunk") {
      if (msg.kind === "barrier") this.emit(msg);
      return;
    }
    const chunk = msg.chunk;
    if (chunk.ops !== null && chunk.ops.some((o) => o !== 1)) {
      throw new SqlError(SqlState.FeatureNotSupported, "LIMIT over a changing input is not supported");
    }
    let start = 0;
    if (this.toSkip > 0) {
      start = Math.min(this.toSkip, chunk.length);
      this.toSkip -= start;
    }
    const take = Math.min(chunk.length - start, this.toPass);
    if (take <= 0) return;
    this.toPass -= take;
    this.emit({ kind: "chunk", chunk: start === 0 && take === chunk.length ? chunk : chunk.slice(start, start + take) });
  }
}
