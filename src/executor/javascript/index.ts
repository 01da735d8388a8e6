export { JavaScriptFunctions, jsParamNames, type JsFunctionDef, type FunctionErrorRecord } from "./javascript-functions.js";
export { fromJs as sqlValueFromJs } from "./js-values.js";
