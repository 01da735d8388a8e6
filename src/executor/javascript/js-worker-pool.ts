// A pool of worker threads that run JavaScript functions, called synchronously: the caller posts a
// batch and blocks on a shared flag (Atomics.wait) until the worker replies or the time limit
// passes. A worker past its limit is terminated and replaced, so an endless loop costs one batch's
// time limit and nothing after it. Workers get a heap limit (resourceLimits); a worker that runs
// out of memory dies, which the caller sees as the limit passing. Large batches are split across
// the pool's workers and run in parallel.

import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { WORKER_SOURCE } from "./worker-source.js";

/** What a worker is asked to run: `args` holds one array per parameter, `count` values each (one per row or table-function call). */
export interface WorkerRequest {
  kind: "scalar" | "table";
  /** cache key of the compiled body (function id and its definition version) */
  key: string;
  params: string[];
  body: string;
  /** table functions: column names (rows returned as objects are read by them) */
  columns?: string[];
  args: unknown[][];
  count: number;
}

/** Values per row (or result sets per call) and the rows whose call threw. */
export interface WorkerReply {
  values: unknown[];
  errors: [number, string][];
}

export class WorkerLimitError extends Error {}

interface PooledWorker {
  worker: Worker;
  flag: Int32Array;
  port: MessagePort;
}

/** Splits batches smaller than this across workers only when it pays for the message copies. */
const SPLIT_MIN_ROWS = 512;

export class JsWorkerPool {
  private readonly idle = new Map<number, PooledWorker[]>();

  constructor(private readonly size = 2) {}

  private spawn(memoryMb: number): PooledWorker {
    const shared = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { flag: shared, port: port2 },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.min(32, memoryMb >> 2)), stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    port1.unref();
    // a dead worker (out of memory, process.exit) is dropped when its call times out
    worker.on("error", () => {});
    return { worker, flag: new Int32Array(shared), port: port1 };
  }

  private take(memoryMb: number): PooledWorker {
    return this.idle.get(memoryMb)?.pop() ?? this.spawn(memoryMb);
  }

  private release(memoryMb: number, w: PooledWorker): void {
    const list = this.idle.get(memoryMb) ?? [];
    if (list.length < this.size) {
      list.push(w);
      this.idle.set(memoryMb, list);
    } else {
      void w.worker.terminate();
    }
  }

  /**
   * Runs `req` and returns the reply, or throws WorkerLimitError when the time limit passes (or the
   * worker died), or Error with the worker's message when the body does not compile.
   */
  run(req: WorkerRequest, limits: { timeoutMs: number; memoryMb: number }): WorkerReply {
    const parts = req.count >= SPLIT_MIN_ROWS && this.size > 1 ? this.size : 1;
    const per = Math.ceil(req.count / parts);
    const started: { w: PooledWorker; offset: number }[] = [];
    for (let p = 0; p < parts; p++) {
      const w = this.take(limits.memoryMb);
      Atomics.store(w.flag, 0, 0);
      const end = Math.min(req.count, (p + 1) * per);
      w.worker.postMessage(parts === 1 ? req : { ...req, args: req.args.map((a) => a.slice(p * per, end)), count: end - p * per });
      started.push({ w, offset: p * per });
    }
    const deadline = Date.now() + limits.timeoutMs;
    const values: unknown[] = [];
    const errors: [number, string][] = [];
    let failure: Error | null = null;
    for (const { w, offset } of started) {
      const left = Math.max(0, deadline - Date.now());
      const state: string = failure instanceof WorkerLimitError ? "timed-out" : Atomics.wait(w.flag, 0, 0, left);
      const msg: (WorkerReply & { fatal?: string }) | undefined = state === "timed-out" ? undefined : receiveMessageOnPort(w.port)?.message;
      if (msg === undefined) {
        void w.worker.terminate();
        failure = new WorkerLimitError(`exceeded its time limit of ${limits.timeoutMs} ms or its memory limit of ${limits.memoryMb} MB`);
        continue;
      }
      this.release(limits.memoryMb, w);
      if (msg.fatal !== undefined) {
        failure ??= new Error(msg.fatal);
        continue;
      }
      for (const v of msg.values) values.push(v);
      for (const [i, m] of msg.errors) errors.push([i + offset, m]);
    }
    if (failure) throw failure;
    return { values, errors };
  }

  close(): void {
    for (const list of this.idle.values()) for (const w of list) void w.worker.terminate();
    this.idle.clear();
  }
}
