// A last defence against a test that never yields: the per-record timeout is a timer on the main
// thread, which cannot fire while the engine is stuck in a synchronous loop. This watchdog runs in
// its own thread; if a record is still running `limitMs` after it started, it writes the record's
// place to stderr (directly to the file descriptor: the main thread is not there to relay it) and
// kills the process, so a run ends with a message instead of hanging.

import { Worker } from "node:worker_threads";

const WATCHDOG_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
let current = null;
parentPort.on("message", (m) => { current = m; });
setInterval(() => {
  if (current && current.where && Date.now() - current.at > workerData.limitMs) {
    writeSync(2, "\\n" + current.where + ": record still running after " + Math.round(workerData.limitMs / 1000) +
      " s without yielding to the event loop; killing the test process\\n");
    process.kill(process.pid, "SIGKILL");
  }
}, 500);
`;

export class Watchdog {
  private readonly worker: Worker;

  constructor(limitMs: number) {
    this.worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { limitMs } });
    this.worker.unref();
  }

  /** A record starts (its `file:line`). */
  start(where: string): void {
    this.worker.postMessage({ where, at: Date.now() });
  }

  /** The record is over. */
  stop(): void {
    this.worker.postMessage({ where: null, at: 0 });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
