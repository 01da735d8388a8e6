// The public surface of src/types: SQL data types, scalar values, their text forms and casts,
// comparison and hashing, the built-in function registry, and SqlError.

export * from "./errors.js";
export * from "./data-type.js";
export * from "./column.js";
export * from "./chunk.js";
export { Decimal } from "./numeric.js";
export { Interval } from "./interval.js";
export { Jsonb } from "./jsonb.js";
export { formatValue, parseValue, parseTypeName } from "./text-format.js";
export { castValue, castContext, commonSupertype, typeCategory, type CastContext } from "./cast.js";
export { compareValues, valuesEqual, keyOf } from "./compare.js";
export {
  resolveFunction,
  resolveAmong,
  resolveOperator,
  getFunction,
  resolveAggregate,
  isAggregateName,
  resolveWindowFunction,
  isWindowFunctionName,
  type FunctionResolution,
  type ScalarFunction,
  type EvalContext,
} from "./functions/index.js";
export type { StatementResult, ResultColumn, ChangeFeedHandle } from "./result.js";
