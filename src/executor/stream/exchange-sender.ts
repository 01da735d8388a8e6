// ExchangeSender (sink of a fragment that feeds an exchange): sends each row to the partition of
// the downstream fragment that owns the vnode of its distribution columns (hash), everything to
// partition 0 (single), or everything to every partition (broadcast). Watermarks and barriers go
// to every partition, so that each one aligns and advances even when it received no rows. No state.

import type { Distribution } from "../../planner/fragments.js";
import type { Message, Operator } from "../message.js";
import { partitionOfVnode, VNODE_COUNT, vnodesOfColumns } from "../vnode.js";

export type ExchangeEmit = (exchange: number, targetPartition: number, msg: Message) => void;

export class ExchangeSender implements Operator {
  readonly name = "ExchangeSender";
  readonly stateFields = [] as const;
  /** the partition owning each vnode */
  private readonly owner: Uint16Array;

  constructor(
    readonly exchange: number,
    readonly distribution: Distribution,
    /** partitions of the downstream fragment */
    readonly targets: number,
    private readonly send: ExchangeEmit,
  ) {
    this.owner = new Uint16Array(VNODE_COUNT);
    for (let v = 0; v < VNODE_COUNT; v++) this.owner[v] = partitionOfVnode(v, targets);
  }

  push(_port: number, msg: Message): void {
    if (msg.kind !== "chunk") {
      for (let t = 0; t < this.targets; t++) this.send(this.exchange, t, msg);
      return;
    }
    const chunk = msg.chunk;
    if (chunk.length === 0) return;
    const d = this.distribution;
    if (d.kind === "single" || this.targets === 1) {
      this.send(this.exchange, 0, msg);
      return;
    }
    if (d.kind === "broadcast") {
      for (let t = 0; t < this.targets; t++) this.send(this.exchange, t, msg);
      return;
    }
    const n = chunk.length;
    const vnodes = vnodesOfColumns(
      d.columns.map((c) => chunk.columns[c]),
      n,
    );
    const counts = new Int32Array(this.targets);
    const target = new Uint16Array(n);
    for (let i = 0; i < n; i++) counts[(target[i] = this.owner[vnodes[i]])]++;
    for (let t = 0; t < this.targets; t++) {
      if (counts[t] === 0) continue;
      if (counts[t] === n) {
        this.send(this.exchange, t, msg);
        return;
      }
      const rows = new Int32Array(counts[t]);
      let k = 0;
      for (let i = 0; i < n; i++) if (target[i] === t) rows[k++] = i;
      this.send(this.exchange, t, { kind: "chunk", chunk: chunk.take(rows) });
    }
  }
}
