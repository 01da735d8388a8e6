// The REPL's progress line for long loads (COPY ... FROM a file): rows read so far, which file of
// how many, and the bytes of the files finished, redrawn in place on stderr at most 5 times a
// second and cleared when the load ends. Only on a terminal: scripts and pipes get no noise.

import type { CopyProgress } from "../src/index.js";

const REDRAW_MS = 200;

export function loadProgressLine(write: (text: string) => void, now: () => number = Date.now): (p: CopyProgress) => void {
  let last = 0;
  let shown = false;
  return (p) => {
    if (p.finished) {
      if (shown) write("\r\x1b[K");
      shown = false;
      last = 0;
      return;
    }
    const t = now();
    if (t - last < REDRAW_MS) return;
    last = t;
    shown = true;
    write(`\r\x1b[K${formatLoadProgress(p)}`);
  };
}

export function formatLoadProgress(p: CopyProgress): string {
  const mb = (b: number) => (b / 1_048_576).toFixed(b < 10_485_760 ? 1 : 0);
  const files = p.files > 1 ? `, file ${p.fileIndex}/${p.files}` : "";
  const pct = p.bytesTotal > 0 && p.files > 1 ? ` (${Math.floor((100 * p.bytesDone) / p.bytesTotal)}% of ${mb(p.bytesTotal)} MB)` : p.bytesTotal > 0 ? ` of ${mb(p.bytesTotal)} MB` : "";
  return `loading: ${p.rows.toLocaleString("en-US")} rows read${files}${pct}`;
}
