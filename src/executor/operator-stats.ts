// Live counters of one operator in a built graph: rows and chunks in and out, the time spent inside
// it (not counting the operators downstream it pushed into), the last watermark it emitted, and
// an estimate of the state it keeps. The graph builder (graph.ts) wraps each operator's input and
// output callbacks to update them: a few number increments and two clock reads per chunk, never
// per row, so they stay on for running views (sage_catalog.operators, /metrics) as well as for
// EXPLAIN ANALYZE.

import type { PhysicalPlan } from "../planner/physical-plan.js";
import type { Emit, Message, Operator } from "./message.js";

export class OperatorStats {
  rowsIn = 0;
  chunksIn = 0;
  rowsOut = 0;
  chunksOut = 0;
  /** ms from entering the operator until it returned, including what it pushed downstream */
  totalMs = 0;
  /** ms spent in the operators downstream while this one emitted */
  downstreamMs = 0;
  /** the last watermark value this operator emitted (undefined: none yet), on output column `watermarkColumn` */
  watermark: unknown = undefined;
  watermarkColumn = -1;
  /** the operator these counters belong to (set once it is built) */
  operator: Operator | null = null;
  /** inside a timed call: only then does time downstream count against it */
  private timing = 0;

  constructor(
    /** preorder position of the plan node in its plan (0 = the root) */
    readonly id: number,
    readonly node: PhysicalPlan,
    /** whether time is measured (two clock reads per chunk in and out); rows are always counted */
    readonly timed = true,
  ) {}

  get kind(): string {
    return this.operator?.name ?? this.node.kind;
  }

  /** ms spent in this operator itself */
  get selfMs(): number {
    return Math.max(0, this.totalMs - this.downstreamMs);
  }

  /** rows the operator keeps in state (0 for stateless operators) */
  get stateRows(): number {
    const n = (this.operator as { stateRows?: unknown } | null)?.stateRows;
    return typeof n === "number" ? n : 0;
  }

  /** rows that arrived but wait inside the operator (an async model call's backlog); 0 for the rest */
  get queuedRows(): number {
    const n = (this.operator as { queuedRows?: unknown } | null)?.queuedRows;
    return typeof n === "number" ? n : 0;
  }

  /**
   * An estimate of the state's size: 16 bytes per value of the node's output width plus 48 bytes of
   * per-row overhead (hash entry, row object). Operators do not track exact bytes.
   */
  get stateBytes(): number {
    return this.stateRows * OperatorStats.rowBytes(this.node.types.length);
  }

  /** the estimated bytes of one held row `width` values wide */
  static rowBytes(width: number): number {
    return 48 + 16 * width;
  }

  /** `emit` with the output counted and the time downstream measured */
  countOutput(emit: Emit): Emit {
    if (!this.timed) {
      return (msg: Message) => {
        if (msg.kind === "chunk") {
          this.rowsOut += msg.chunk.length;
          this.chunksOut++;
        } else if (msg.kind === "watermark") {
          this.watermark = msg.value;
          this.watermarkColumn = msg.column;
        }
        emit(msg);
      };
    }
    return (msg: Message) => {
      if (msg.kind === "chunk") {
        this.rowsOut += msg.chunk.length;
        this.chunksOut++;
      } else if (msg.kind === "watermark") {
        this.watermark = msg.value;
        this.watermarkColumn = msg.column;
      }
      if (this.timing === 0) return emit(msg);
      const t = performance.now();
      emit(msg);
      this.downstreamMs += performance.now() - t;
    };
  }

  /** the operator's `push` on `port` with the input counted and the time inside measured */
  countInput(op: Operator, port: number): Emit {
    if (!this.timed) {
      return (msg: Message) => {
        if (msg.kind === "chunk") {
          this.rowsIn += msg.chunk.length;
          this.chunksIn++;
        }
        op.push(port, msg);
      };
    }
    return (msg: Message) => {
      if (msg.kind === "chunk") {
        this.rowsIn += msg.chunk.length;
        this.chunksIn++;
      }
      this.timing++;
      const t = performance.now();
      try {
        op.push(port, msg);
      } finally {
        this.totalMs += performance.now() - t;
        this.timing--;
      }
    };
  }

  /** runs `work` on a source (its `next()`, a barrier pushed into it), timing it */
  timeSource<T>(work: () => T): T {
    if (!this.timed) return work();
    this.timing++;
    const t = performance.now();
    try {
      return work();
    } finally {
      this.totalMs += performance.now() - t;
      this.timing--;
    }
  }
}
