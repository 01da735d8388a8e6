// ChangeCollector (sink): the output of a continuous query that is not stored (SUBSCRIBE to a
// query): it gathers the changes of each epoch and hands their net effect on at the barrier.
// State: the changes of the epoch in progress.

import type { Chunk, DataType } from "../../types/index.js";
import type { Message, Operator } from "../message.js";
import type { EpochChanges } from "./materialize.js";
import { netChanges } from "./net-changes.js";

export class ChangeCollector implements Operator {
  readonly stateFields = [] as const;
  readonly name = "ChangeCollector";
  private pending: Chunk[] = [];

  constructor(
    readonly types: readonly DataType[],
    private readonly onEpoch: EpochChanges,
  ) {}

  push(_port: number, msg: Message): void {
    if (msg.kind === "chunk") this.pending.push(msg.chunk);
    else if (msg.kind === "barrier") {
      const chunks = this.pending;
      this.pending = [];
      this.onEpoch(netChanges(this.types, chunks), msg.epoch);
    }
  }
}
