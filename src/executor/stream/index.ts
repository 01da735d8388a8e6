export { StreamRuntime, MAX_PENDING_MODEL_ROWS, type ChangeListener } from "./runtime.js";
export { Dataflow } from "./dataflow.js";
export { Materialize, type EpochChanges } from "./materialize.js";
export { ChangeFeed } from "./change-feed.js";
export { ChangeCollector } from "./change-collector.js";
export { Subscription, MAX_QUEUED_ROWS } from "./subscription.js";
export { FragmentInstance, type ExchangeEmit, type EpochListener, type ChainedRows } from "./fragment-instance.js";
export { LocalFragmentRunner, type LocalFragmentOptions } from "./local-fragments.js";
