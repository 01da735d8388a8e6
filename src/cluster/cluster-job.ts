// What the cluster runs: a view's dataflow split into fragments, each run as `parallelism`
// partition instances placed on workers, joined by exchanges. The protocol knows nothing of
// operators: an instance is driven through this surface, which is exactly the executor's
// FragmentInstance's (fragment-job.ts adapts one), so the protocol can be tested with a small job
// of its own (simulation/keyed-sum-job.ts) and run real views unchanged.

import type { Chunk } from "../types/index.js";
import type { Message } from "../executor/message.js";
import type { ChainedRows } from "../executor/index.js";

/** where an instance sends what it emits on an output exchange, to one partition of the consumer */
export type ExchangeEmit = (exchange: number, targetPartition: number, msg: Message) => void;

export interface ClusterInstance {
  /** relations this instance reads from the input log (source fragments; empty otherwise) */
  readonly sources: string[];
  /** every row of one write to `relation`; the instance keeps its own vnodes' */
  deliverRelation(relation: string, changes: Chunk): void;
  /** a message from partition `fromPartition` of the fragment feeding `exchange` */
  deliverExchange(exchange: number, fromPartition: number, msg: Message): void;
  /** the input log's marker for `epoch` (source fragments): every change before it was delivered */
  barrier(epoch: number): void;
  /** materialize fragments: called when an epoch completed here */
  onEpoch(listener: (epoch: number, changes: Chunk | null) => void): void;
  /** materialize fragments: the view rows this partition holds */
  rows(): Chunk[];
  /**
   * Checkpoints store an instance's state in parts (instance-checkpoint.ts), so that each writes
   * only what changed: its operators' state (everything but the view rows)...
   */
  snapshotOperators(): Uint8Array;
  restoreOperators(bytes: Uint8Array): void;
  /** ...which may differ from the last snapshotOperators()/restoreOperators() only if this is true... */
  readonly inputSinceSnapshot: boolean;
  /** ...and, in materialize fragments that keep them in a store, the view rows as a chain of a whole snapshot and deltas (null: none) */
  readonly rowChain: ChainedRows | null;
}

export interface JobFragment {
  id: number;
  parallelism: number;
  /** relations read from the input log */
  sources: string[];
  /** barriers enter at its own leaves (it reads relations or constants): it follows the log's markers */
  injectsBarriers: boolean;
  /** its output: an exchange id, or the view's rows */
  output: number | "materialize";
}

export interface JobExchange {
  id: number;
  /** producing fragment */
  from: number;
  /** consuming fragment */
  to: number;
}

/** One view as the cluster schedules it. */
export interface ClusterJob {
  /** the view's name: keys, object names and frames carry it (letters, digits, _ only) */
  readonly view: string;
  readonly fragments: readonly JobFragment[];
  readonly exchanges: readonly JobExchange[];
  /** what a worker builds this job from (stored in the cluster's KV under job/<view>); absent: workers have the job already */
  readonly spec?: Uint8Array;
  createInstance(fragment: number, partition: number, emit: ExchangeEmit): ClusterInstance;
}
