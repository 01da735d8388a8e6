export { JavaScriptFunctions, jsParamNames, type JsFunctionDef, type FunctionErrorRecord } from "./javascript-functions.js";
