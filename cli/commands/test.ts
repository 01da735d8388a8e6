// `sage-sql test PATH...`: runs sqllogictest files (.slt and .test; directories recursively) on a
// fresh in-memory database each, or on a Postgres server with --url. Prints each failing record
// with file:line as it happens, a summary line per file when there are several, and the totals;
// exits 1 if any record failed.

import type { Command } from "commander";
import { findTestFiles, formatCounts, formatFailure, formatFileSummary, totals, embeddedEngine } from "../slt/index.js";
import { runSltFileWith, type SltFileReport } from "../slt/runner.js";
import type { SltEngine } from "../slt/engine.js";
import { exitAfterFlush, ignoreBrokenPipes } from "../process-exit.js";

export interface TestOptions {
  url?: string;
  verbose?: boolean;
  failFast?: boolean;
  timeout: string;
}

export function registerTest(program: Command): void {
  program
    .command("test")
    .description("run sqllogictest files (.slt, .test) or directories of them")
    .argument("<paths...>", "files, directories or glob patterns")
    .option("--url <url>", "run against a Postgres server (postgres://...) instead of the embedded engine")
    .option("-v, --verbose", "print every record as it runs")
    .option("--fail-fast", "stop at the first failing record")
    .option("--timeout <seconds>", "fail a record that runs longer than this", "30")
    .action(async (paths: string[], options: TestOptions) => {
      const code = await runTests(paths, options);
      await exitAfterFlush(code);
    });
}

async function runTests(paths: string[], options: TestOptions): Promise<number> {
  ignoreBrokenPipes();
  const files = paths.flatMap((p) => findTestFiles(p));
  if (files.length === 0) {
    process.stderr.write(`sage-sql test: no test files found in ${paths.join(" ")}\n`);
    return 1;
  }
  const timeoutMs = Number(options.timeout) * 1000;
  if (!(timeoutMs > 0)) {
    process.stderr.write(`sage-sql test: --timeout must be a number of seconds\n`);
    return 1;
  }
  let engine: SltEngine = embeddedEngine;
  if (options.url) {
    try {
      const { pgEngine } = await import("../slt/pg-engine.js");
      engine = await pgEngine(options.url);
    } catch (e) {
      process.stderr.write(`sage-sql test: cannot use --url: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const out = (text: string) => void process.stdout.write(text);
  const reports: SltFileReport[] = [];
  for (const file of files) {
    if (options.verbose && files.length > 1) out(`== ${file}\n`);
    const report = await runSltFileWith(file, {
      engine,
      verbose: options.verbose,
      failFast: options.failFast,
      timeoutMs,
      onFailure: (f) => out(formatFailure(f) + "\n"),
    });
    reports.push(report);
    if (files.length > 1) out(formatFileSummary(report) + "\n");
    if (options.failFast && report.failed > 0) break;
  }
  const t = totals(reports);
  out(formatCounts(t) + "\n");
  return t.failed > 0 ? 1 : 0;
}
