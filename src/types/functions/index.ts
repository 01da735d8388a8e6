// The built-in function and operator registry: resolution (Postgres's overload rules) and
// implementations by id. See registry.ts for the id scheme, operators.ts for operator ids,
// aggregates.ts for the aggregate ids the executor implements.

import { registerOperators } from "./operators.js";
import { registerDatetime } from "./datetime.js";
import { registerToChar } from "./to-char.js";
import { registerStrings } from "./string.js";
import { registerPatterns } from "./pattern.js";
import { registerMath } from "./math.js";
import { registerJson } from "./json.js";
import { registerVector } from "./vector.js";
import { registerArrays } from "./array.js";
import { registerMisc } from "./misc.js";

registerOperators();
registerDatetime();
registerToChar();
registerStrings();
registerPatterns();
registerMath();
registerJson();
registerVector();
registerArrays();
registerMisc();

export { resolveFunction, resolveOperator } from "./resolve.js";
export { getFunction, hasFunction, type EvalContext, type ScalarFunction, type FunctionResolution } from "./registry.js";
export { resolveAggregate, isAggregateName, AGGREGATES, numericVariance, floatVariance, type AggregateInfo } from "./aggregates.js";
export { resolveWindowFunction, isWindowFunctionName } from "./window.js";
export { likeMatcher, similarMatcher, compileRegex, parseRegexFlags } from "./pattern.js";
