// NestedLoopJoin: a join without equi-keys (inner, left, right, full, semi, anti): every arriving
// row is paired with every stored row of the other side, and the pairs are evaluated chunk-wise
// against the condition (left ++ right columns). It is the symmetric join of hash-join.ts with one
// key shared by all rows, so it keeps the same state (both sides' rows, match counts of preserved
// sides) and decides NULL-extended / semi / anti rows at barriers the same way.

import type { JoinNode } from "../../planner/physical-plan.js";
import type { Emit, Message, Operator, OperatorEnv } from "../message.js";
import { HashJoin } from "./hash-join.js";

export class NestedLoopJoin implements Operator {
  readonly name = "NestedLoopJoin";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["join"] as const;
  private readonly join: HashJoin;

  constructor(node: JoinNode, env: OperatorEnv, emit: Emit) {
    this.join = new HashJoin({ ...node, leftKeys: [], rightKeys: [] }, env, emit);
  }

  /** both sides' rows held (EXPLAIN ANALYZE, max_query_memory) */
  get stateRows(): number {
    return this.join.stateRows;
  }

  push(port: number, msg: Message): void {
    this.join.push(port, msg);
  }
}
