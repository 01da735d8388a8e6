// The sqllogictest runner's public face: run a file (on the embedded engine unless told otherwise),
// find test files, format reports. Tests import runSltFile from here.

import { embeddedEngine } from "./embedded-engine.js";
import { runSltFileWith, type SltFileReport, type SltRunOptions } from "./runner.js";

export type { SltFileReport, SltFailure, SltRunOptions } from "./runner.js";
export { ENGINE_NAMES, DEFAULT_TIMEOUT_MS } from "./runner.js";
export type { SltEngine, SltDatabase, SltConnection, SltResult } from "./engine.js";
export { SltEngineError } from "./engine.js";
export { embeddedEngine } from "./embedded-engine.js";
export { parseSlt, type SltRecord } from "./parser.js";
export { findTestFiles } from "./files.js";
export { formatFailure, formatFileReport, formatFileSummary, formatCounts, totals } from "./report.js";

/** Runs one .slt/.test file on a fresh database (the embedded engine by default). */
export function runSltFile(path: string, options: Partial<SltRunOptions> = {}): Promise<SltFileReport> {
  return runSltFileWith(path, { ...options, engine: options.engine ?? embeddedEngine });
}
