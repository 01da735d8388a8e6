// The REPL's progress bar for the statement's job (COPY, a materialized view's backfill): a bar when
// the total is known, rows done, rate and ETA, redrawn in place on stderr at most 5 times a second
// and cleared when the job ends. Only on a terminal: scripts and pipes get no noise.

import type { JobSnapshot } from "../src/index.js";

const REDRAW_MS = 200;
const BAR_WIDTH = 24;

export function jobProgressLine(write: (text: string) => void, now: () => number = Date.now): (job: JobSnapshot) => void {
  let last = 0;
  let shown = false;
  return (job) => {
    if (job.state !== "running") {
      if (shown) write("\r\x1b[K");
      shown = false;
      last = 0;
      return;
    }
    const t = now();
    if (t - last < REDRAW_MS) return;
    last = t;
    shown = true;
    write(`\r\x1b[K${formatJobProgress(job)}`);
  };
}

export function formatJobProgress(job: JobSnapshot): string {
  const count = (n: number) => Math.round(n).toLocaleString("en-US");
  const parts: string[] = [];
  if (job.fraction !== null) {
    const filled = Math.round(job.fraction * BAR_WIDTH);
    parts.push(`[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${Math.floor(job.fraction * 100)}%`);
  }
  parts.push(job.rowsTotal !== null ? `${count(job.rowsDone)}/${count(job.rowsTotal)} rows` : `${count(job.rowsDone)} rows`);
  parts.push(`${count(job.rate)} rows/s`);
  if (job.etaSeconds !== null) parts.push(`ETA ${formatDuration(job.etaSeconds)}`);
  return `${job.kind} (job ${job.id}): ${parts.join(", ")}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
