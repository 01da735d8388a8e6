// Simulated time and the run queue. Every callback a node receives (a timer, a backbone reply, a
// network frame, a log message) is an event tagged with the node and its incarnation; events run
// one at a time in (time, insertion) order, and the promise continuations each one starts are
// drained before the next, so a run depends only on the seed. A crashed node's events are dropped
// (its memory is gone: a restart is a fresh object); a paused node's are held until it resumes
// (no steps, no timers: SIGSTOP), while simulated time and everyone else's leases run on.

import type { Clock, TimerHandle } from "../backbone.js";

export class SimNode {
  incarnation = 0;
  state: "up" | "paused" | "down" = "up";
  deferred: SimEvent[] = [];
  constructor(readonly name: string) {}
}

interface SimEvent {
  at: number;
  seq: number;
  node: SimNode | null;
  incarnation: number;
  fn: () => void;
  cancelled: boolean;
}

export class SimScheduler {
  now = 0;
  /** events run so far */
  steps = 0;
  /** exceptions thrown by event callbacks: protocol bugs */
  readonly errors: string[] = [];
  private seq = 0;
  /** seqs below every other, handed out (downwards) to events held by a pause */
  private resumeSeq = 0;
  private readonly heap: SimEvent[] = [];

  /**
   * Runs `fn` as `node` after `delayMs` (node null: the backbone or network itself, never paused
   * or crashed). `incarnation`: the incarnation the event belongs to (the caller's, for an answer
   * to a call made before a crash: it must not reach the restarted process).
   */
  schedule(delayMs: number, node: SimNode | null, fn: () => void, incarnation = node?.incarnation ?? 0): SimEvent {
    const ev: SimEvent = { at: this.now + Math.max(0, delayMs), seq: this.seq++, node, incarnation, fn, cancelled: false };
    this.push(ev);
    return ev;
  }

  /** like schedule, at an absolute time */
  scheduleAt(at: number, node: SimNode | null, fn: () => void, incarnation = node?.incarnation ?? 0): SimEvent {
    return this.schedule(at - this.now, node, fn, incarnation);
  }

  crash(node: SimNode): void {
    node.incarnation++;
    node.state = "down";
    node.deferred = [];
  }

  /** the node runs again (a fresh incarnation after a crash) */
  restart(node: SimNode): void {
    node.state = "up";
  }

  pause(node: SimNode): void {
    if (node.state === "up") node.state = "paused";
  }

  resume(node: SimNode): void {
    if (node.state !== "paused") return;
    node.state = "up";
    const held = node.deferred;
    node.deferred = [];
    // the held events run now, in their order and BEFORE any event of this node already queued for
    // now: those came later (a frame sent after the ones held), and a connection is FIFO. Fresh seqs
    // would put a frame held during the pause behind one that arrives at the very moment it resumes
    const first = this.resumeSeq - held.length;
    this.resumeSeq = first;
    held.forEach((ev, i) => this.push({ ...ev, at: this.now, seq: first + i }));
  }

  clockFor(node: SimNode): Clock {
    return {
      now: () => this.now,
      setTimeout: (fn, ms) => ({ timer: this.schedule(ms, node, fn) }),
      clearTimeout: (h: TimerHandle) => {
        (h.timer as SimEvent).cancelled = true;
      },
    };
  }

  /** runs events until `done()` holds (checked after each) or time passes `untilMs`; true if done */
  async run(done: () => boolean, untilMs: number): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      const ev = this.pop();
      if (ev === undefined) return done();
      if (ev.at > untilMs) {
        this.push(ev);
        this.now = untilMs;
        return done();
      }
      this.now = ev.at;
      if (ev.cancelled) continue;
      const node = ev.node;
      if (node !== null) {
        if (ev.incarnation !== node.incarnation) continue;
        if (node.state === "paused") {
          node.deferred.push(ev);
          continue;
        }
      }
      this.steps++;
      try {
        ev.fn();
      } catch (e) {
        this.errors.push(`${node?.name ?? "world"} at ${this.now}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      // let the promise continuations this event started run before the next event
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private push(ev: SimEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): SimEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
