// The planner's public surface: bind statements into physical plans, and explain them.
export type * from "./physical-plan.js";
export { bindQuery, type BoundQuery } from "./binder/query.js";
export { bindInsert, bindUpdate, bindDelete, defaultExpr, type WritePlan, type Returning } from "./binder/dml.js";
export { bindExpr, bindCondition } from "./binder/expressions.js";
export { coerce } from "./binder/coerce.js";
export { QueryContext, type BinderEnv } from "./binder/context.js";
export { Scope } from "./binder/scope.js";
export { explainPlan, explainDataflow, explainLogicalPlan, explainFragments, type PlanAnnotator } from "./explain.js";
export {
  fragmentPlan,
  encodeFragmentGraph,
  decodeFragmentGraph,
  checkParallelism,
  injectsBarriers,
  exchangeInputs,
  readsClock,
  distributionText,
  MAX_PARALLELISM,
  type Distribution,
  type Fragment,
  type FragmentGraph,
  type FragmentOutput,
  type FragmentOptions,
  type ExchangeEdge,
} from "./fragments.js";
export { ROW_ID_COLUMN } from "./binder/from.js";
export { toStreamingPlan } from "./streaming-plan.js";
export { remoteModelsCalled } from "./ai-map.js";
export { withIntervalJoinCleanup } from "./interval-join.js";
export { pruneColumns } from "./optimizer/prune-columns.js";
export { useKeyLookups } from "./optimizer/key-lookup.js";
export { checkSqlFunctionBody, type SqlFunctionAst } from "./binder/user-functions.js";
