// Barrier alignment for multi-input operators (Chandy–Lamport, as Flink and RisingWave do): once
// a barrier has arrived on one input, that input's later messages wait until the barrier has
// arrived on every input; then the operator acts on the barrier once and the held messages are
// replayed. State: which inputs have delivered the pending barrier, and the held messages.

import type { BarrierMessage, Message } from "./message.js";

export abstract class AlignedOperator {
  private arrived: boolean[];
  private arrivedCount = 0;
  private held: { port: number; msg: Message }[] = [];

  constructor(readonly inputs: number) {
    this.arrived = new Array<boolean>(inputs).fill(false);
  }

  push(port: number, msg: Message): void {
    if (msg.kind !== "barrier") {
      if (this.arrived[port]) this.held.push({ port, msg });
      else this.onMessage(port, msg);
      return;
    }
    if (this.arrived[port]) {
      this.held.push({ port, msg });
      return;
    }
    this.arrived[port] = true;
    this.arrivedCount++;
    if (this.arrivedCount < this.inputs) return;
    this.arrived.fill(false);
    this.arrivedCount = 0;
    this.onBarrier(msg);
    const held = this.held;
    this.held = [];
    for (const h of held) this.push(h.port, h.msg);
  }

  /** A chunk or watermark on an input that has not yet delivered the pending barrier. */
  protected abstract onMessage(port: number, msg: Exclude<Message, BarrierMessage>): void;
  /** The barrier, once aligned on all inputs. */
  protected abstract onBarrier(barrier: BarrierMessage): void;
}
