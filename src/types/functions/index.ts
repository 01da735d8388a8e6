// The built-in function and operator registry: resolution (Postgres's overload rules) and
// implementations by id. See registry.ts for the id scheme, operators.ts for operator ids,
// aggregates.ts for the aggregate ids the executor implements.
//
// Contract for the binder and the executor:
// - resolveFunction / resolveOperator give `argTypes`: cast argument i with
//   castValue(v, actualType_i, argTypes[i], "implicit", { timeZone }) before calling; for an
//   `unknown` literal that parses the text ('5' → 5). Parameters declared "any" (concat, format,
//   pg_typeof, jsonb_build_*, num_nulls) keep the argument's own type, `unknown` included, and the
//   id carries the types ("concat$unknown$integer"), so nothing is lost.
// - ScalarFunction.strict: the executor returns NULL without calling eval when any argument is
//   NULL; non-strict functions (concat, array_append, array_position, ...) handle NULLs themselves.
// - Session-dependent functions (timestamptz ± interval, date_trunc on timestamptz, extract,
//   to_char, current_date, ...) read ctx.timeZone; now() and friends read ctx.now (µs).
// - Postgres's special syntax maps to plain calls: POSITION(a IN b) → position(b, a);
//   SUBSTRING(s FROM a FOR b) → substring(s, a, b); SUBSTRING(s FROM pattern) → substring(s, pattern);
//   TRIM([BOTH|LEADING|TRAILING] x FROM s) → btrim/ltrim/rtrim(s, x); EXTRACT(f FROM x) →
//   extract('f', x) (numeric; date_part gives double); x AT TIME ZONE z → timezone(z, x);
//   LIKE/ILIKE/NOT LIKE/SIMILAR TO [ESCAPE e] → like/ilike/not_like/not_ilike/similar_to/
//   not_similar_to(s, pattern[, e]); CURRENT_DATE, CURRENT_TIME, LOCALTIMESTAMP, CURRENT_USER, ...
//   → the zero-argument functions of those names; a != b → <>.

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
import { registerPrivilegeInquiry } from "./privilege-inquiry.js";

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
registerPrivilegeInquiry();

export { resolveFunction, resolveOperator, resolveAmong } from "./resolve.js";
export { getFunction, hasFunction, type EvalContext, type ScalarFunction, type FunctionResolution } from "./registry.js";
export { resolveAggregate, isAggregateName, AGGREGATES, numericVariance, floatVariance, type AggregateInfo } from "./aggregates.js";
export { resolveWindowFunction, isWindowFunctionName } from "./window.js";
export { likeMatcher, similarMatcher, compileRegex, parseRegexFlags } from "./pattern.js";
