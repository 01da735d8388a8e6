// The executor's public surface: run a physical plan (ad-hoc queries), compile expressions, and
// the operator vocabulary (messages, operators, the graph builder) that streaming builds on.

export type {
  Message,
  Operator,
  SourceOperator,
  Emit,
  RelationReader,
  ExecutionContext,
  OperatorEnv,
  AiLookup,
  AsyncModelCalls,
  AsyncOperator,
  VectorIndexReader,
  UserFunctionCalls,
} from "./message.js";
export { JavaScriptFunctions, jsParamNames, sqlValueFromJs, type JsFunctionDef, type FunctionErrorRecord } from "./javascript/index.js";
export { CHUNK_SIZE } from "./message.js";
export { runQuery, runQueryYielding, runQueryWithStats } from "./run-query.js";
export { OperatorStats } from "./operator-stats.js";
export { checkQueryMemory, formatBytes } from "./memory-limit.js";
export { compileExpr, evalConst, type CompiledExpr } from "./expression/compile.js";
export { buildGraph, type Graph, type GraphOptions, type GraphSource } from "./graph.js";
export { StreamRuntime, Dataflow, Materialize, ChangeCollector, Subscription, type ChangeListener } from "./stream/index.js";
export { netChanges } from "./stream/net-changes.js";
export { FragmentInstance, LocalFragmentRunner, type ExchangeEmit, type EpochListener, type LocalFragmentOptions, type ChainedRows } from "./stream/index.js";
export { VNODE_COUNT, vnodeOf, vnodesOfColumns, relationVnodes, partitionOfVnode, vnodeRange } from "./vnode.js";
export { snapshotObjects, restoreObjects, encodeState, decodeState, registerStateClasses, StateEncodeError, type HasState } from "./state/index.js";
export { nextChainLink, restoredChain, encodeDelta, decodeDelta, MAX_TABLE_CHAIN, type TableChain, type StoredDelta } from "./state/index.js";
