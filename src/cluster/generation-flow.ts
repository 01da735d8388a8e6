// Backpressure inside one worker's generation: which instances must stop taking input, and when
// they may go on. An instance is BLOCKED while what it emits has nowhere to go:
//  - a channel it sends to another worker on is at its queue bound (out of credit: the receiver
//    has `window` frames it has not consumed), or
//  - an instance on this worker it feeds directly is blocked, or is aligning on a barrier this
//    instance already delivered to it (see "held" below).
// A blocked instance's remote input channels stop consuming (their frames wait in the receiver,
// at most `window` per channel, and no credit goes back, so the upstream worker's queues fill and
// its producers block in turn); a blocked source instance's input-log reading pauses (the data
// waits in JetStream). So memory is bounded from the input log to the materialize fragment: per
// channel `window` frames at the receiver and about `maxQueued` at the sender (plus what one
// delivery emits at once), per source one fetch of the log.
//
// A channel is HELD once it delivered the barrier of epoch e to its instance until that instance
// passed e (emitted the barrier, or its materialize completed the epoch): the instance is aligning,
// and what the channel sends next would only pile up inside it (FragmentInstance keeps it in its
// alignment queue). Holding the channel bounds that too.
//
// Why credits cannot deadlock with alignment. Take the oldest epoch e some instance has not passed
// yet, and among the instances that have not passed it one that no other such instance feeds (the
// fragments form a DAG). Every instance feeding it passed e, so every one of its inputs carries
// barrier e somewhere before anything later: it needs only to consume them. Its channels that
// delivered barrier e are held, which is what alignment wants; the others are not held (their last
// barrier is older than e, which it passed). It consumes them unless it is blocked by its outputs;
// those go to instances that have not passed e either (they are downstream of it), on channels it
// has not delivered barrier e on, so they are not held there, and each consumes unless blocked by its
// own outputs: down to the materialize fragment, which has no outputs and never blocks. So the
// queues drain from the bottom and it gets barrier e on every input. A source instance needs the
// log's marker e: its reading pauses while some source of the job on this worker is blocked, but
// all of them read the same log together, so none of them delivered a barrier newer than e-1 (the
// one we took has not passed e), and by the argument above none stays blocked. Hence some instance
// always passes the oldest epoch, and every epoch completes as long as the links hold (a broken
// link stalls the generation; the leader then starts another).

import type { ExchangeSender } from "./exchange-channel.js";

interface FlowSlot {
  /** the last epoch this instance passed */
  passed: number;
  /** channels it sends on to other workers (created as it first sends on each) */
  readonly senders: ExchangeSender[];
  /** the instances on this worker it feeds directly, and the channel's name at each */
  readonly local: { to: FlowSlot; channel: string }[];
  /** per input channel, the epoch of the last barrier it delivered */
  readonly lastBarrier: Map<string, number>;
}

interface Waiter {
  blocked: () => boolean;
  resolve: () => void;
}

export class GenerationFlow {
  private readonly slots = new Map<string, FlowSlot>();
  private waiters: Waiter[] = [];

  private slot(key: string): FlowSlot {
    let s = this.slots.get(key);
    if (s === undefined) this.slots.set(key, (s = { passed: 0, senders: [], local: [], lastBarrier: new Map() }));
    return s;
  }

  /** `from` feeds `to` on this worker over `channel` (the name `to` knows that input by) */
  addLocalEdge(from: string, to: string, channel: string): void {
    this.slot(from).local.push({ to: this.slot(to), channel });
  }

  addSender(from: string, sender: ExchangeSender): void {
    this.slot(from).senders.push(sender);
  }

  /** a barrier of `epoch` was handed to instance `to` on `channel` */
  barrierDelivered(to: string, channel: string, epoch: number): void {
    this.slot(to).lastBarrier.set(channel, epoch);
  }

  /** instance `key` passed `epoch`: channels it held may go on */
  passed(key: string, epoch: number): void {
    const s = this.slot(key);
    if (epoch <= s.passed) return;
    s.passed = epoch;
    this.wake();
  }

  /** `channel` into `key` delivered a barrier that `key` has not passed yet */
  held(key: string, channel: string): boolean {
    const s = this.slot(key);
    return (s.lastBarrier.get(channel) ?? 0) > s.passed;
  }

  /**
   * Whether instance `key` must stop taking input. `drained`: the stricter test a paused producer
   * resumes on (its queues empty, not merely below the bound), so that a paused log reader does
   * not stop and start its consumer on every frame.
   */
  blocked(key: string, drained = false): boolean {
    return this.isBlocked(this.slot(key), drained, new Map());
  }

  private isBlocked(s: FlowSlot, drained: boolean, seen: Map<FlowSlot, boolean>): boolean {
    const known = seen.get(s);
    if (known !== undefined) return known;
    let blocked = false;
    for (const sender of s.senders) {
      if (drained ? sender.queued > 0 : sender.overloaded) {
        blocked = true;
        break;
      }
    }
    if (!blocked) {
      for (const { to, channel } of s.local) {
        if ((to.lastBarrier.get(channel) ?? 0) > to.passed || this.isBlocked(to, drained, seen)) {
          blocked = true;
          break;
        }
      }
    }
    seen.set(s, blocked);
    return blocked;
  }

  /** resolves once `blocked()` is false (checked whenever a queue drained or an epoch passed) */
  whenFree(blocked: () => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ blocked, resolve }));
  }

  /** a sender's queue shrank or an epoch passed: wakes whoever is no longer blocked */
  wake(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    const free: Waiter[] = [];
    for (const w of this.waiters) (w.blocked() ? still : free).push(w);
    this.waiters = still;
    for (const w of free) w.resolve();
  }

  /** the generation ended: nobody waits any more (their promises never settle) */
  stop(): void {
    this.waiters = [];
  }
}
