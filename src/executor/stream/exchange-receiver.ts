// ExchangeReceiver (source): the receiving end of an exchange in one partition of a fragment. The
// partitions of the upstream fragment each send it chunks, watermarks and barriers (port = the
// sender's partition). Barriers are aligned over all senders (one sender's messages after its
// barrier wait until every sender has delivered it), so the barrier leaves once; a watermark
// leaves as the minimum of every sender's latest one on that column, once all have sent one and
// it moved. State: each sender's latest watermark per column, and what was forwarded.

import type { ExchangeSourceNode } from "../../planner/physical-plan.js";
import { compareValues } from "../../types/index.js";
import { AlignedOperator } from "../barrier-aligner.js";
import type { BarrierMessage, Emit, Message, SourceOperator } from "../message.js";

export class ExchangeReceiver extends AlignedOperator implements SourceOperator {
  readonly name = "ExchangeReceiver";
  /** what checkpoints capture (see executor/state) */
  readonly stateFields = ["senderWatermarks", "forwarded"] as const;
  /** per column, each sender's latest watermark (undefined: none yet) */
  private readonly senderWatermarks = new Map<number, unknown[]>();
  private readonly forwarded = new Map<number, unknown>();

  constructor(
    readonly node: ExchangeSourceNode,
    /** partitions of the upstream fragment */
    readonly senders: number,
    private readonly emit: Emit,
  ) {
    super(senders);
  }

  get exchange(): number {
    return this.node.exchange;
  }

  next(): boolean {
    return false;
  }

  protected onMessage(port: number, msg: Exclude<Message, BarrierMessage>): void {
    if (msg.kind === "chunk") {
      if (msg.chunk.length > 0) this.emit(msg);
      return;
    }
    const type = this.node.types[msg.column];
    let marks = this.senderWatermarks.get(msg.column);
    if (!marks) {
      marks = new Array<unknown>(this.senders).fill(undefined);
      this.senderWatermarks.set(msg.column, marks);
    }
    const prev = marks[port];
    if (prev !== undefined && compareValues(type, msg.value, prev) <= 0) return;
    marks[port] = msg.value;
    let min: unknown = undefined;
    for (const m of marks) {
      if (m === undefined) return; // some sender has not reached any watermark yet
      if (min === undefined || compareValues(type, m, min) < 0) min = m;
    }
    const sent = this.forwarded.get(msg.column);
    if (sent !== undefined && compareValues(type, min, sent) <= 0) return;
    this.forwarded.set(msg.column, min);
    this.emit({ kind: "watermark", column: msg.column, value: min });
  }

  protected onBarrier(barrier: BarrierMessage): void {
    this.emit(barrier);
  }
}
