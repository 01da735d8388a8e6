// UnionAll: forwards the chunks of every input unchanged (bag union, ops kept). Barriers are
// aligned across inputs; a watermark on a column is forwarded as the minimum over the inputs once
// every input has sent one. State: the latest watermark per input and column.

import { compareValues, type DataType } from "../../types/index.js";
import { AlignedOperator } from "../barrier-aligner.js";
import type { BarrierMessage, Emit, Message, Operator } from "../message.js";

export class UnionAll extends AlignedOperator implements Operator {
  readonly name = "UnionAll";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["watermarks"] as const;
  private readonly watermarks = new Map<number, unknown[]>();

  constructor(
    private readonly types: readonly DataType[],
    inputs: number,
    private readonly emit: Emit,
  ) {
    super(inputs);
  }

  protected onMessage(port: number, msg: Exclude<Message, BarrierMessage>): void {
    if (msg.kind === "chunk") {
      this.emit(msg);
      return;
    }
    let per = this.watermarks.get(msg.column);
    if (per === undefined) {
      per = new Array<unknown>(this.inputs).fill(undefined);
      this.watermarks.set(msg.column, per);
    }
    per[port] = msg.value;
    if (per.some((v) => v === undefined)) return;
    const t = this.types[msg.column];
    let min = per[0];
    for (const v of per) if (compareValues(t, v, min) < 0) min = v;
    this.emit({ kind: "watermark", column: msg.column, value: min });
  }

  protected onBarrier(barrier: BarrierMessage): void {
    this.emit(barrier);
  }
}
