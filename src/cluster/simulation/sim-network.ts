// The data plane as the simulation sees it: nodes listen at `sim://` addresses and connect to each
// other; each direction of a connection is FIFO with a seeded random delay (frames of different
// connections interleave freely); a partition between two nodes breaks their connections and
// refuses new ones until it heals; a crashed node's connections break and it stops listening.

import type { Connection, Network } from "../backbone.js";
import type { SeededRandom } from "./seeded-random.js";
import type { SimNode, SimScheduler } from "./sim-scheduler.js";

class SimConnectionEnd implements Connection {
  peer!: SimConnectionEnd;
  /** no more sends from this side */
  closed = false;
  /** this side was told it closed */
  notified = false;
  /** arrival time of the last frame sent to this side (FIFO) */
  lastArrival = 0;
  private readonly frameListeners: ((frame: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];

  constructor(
    readonly world: SimNetworkWorld,
    readonly node: SimNode,
    readonly incarnation: number,
  ) {}

  send(frame: Uint8Array): void {
    if (this.closed) return;
    const w = this.world;
    if (w.isCut(this.node, this.peer.node)) {
      w.breakConnection(this, "link cut");
      return;
    }
    const peer = this.peer;
    const at = Math.max(w.scheduler.now + w.delay(), peer.lastArrival);
    peer.lastArrival = at;
    const copy = frame.slice();
    w.scheduler.scheduleAt(at, peer.node, () => {
      if (peer.notified || peer.incarnation !== peer.node.incarnation) return;
      for (const l of peer.frameListeners) l(copy);
    }, peer.incarnation);
  }

  onFrame(listener: (frame: Uint8Array) => void): void {
    this.frameListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.peer.closed = true;
    // the peer gets what was sent before, then the close
    this.notify(this.world.scheduler.now, "closed");
    this.peer.notify(Math.max(this.world.scheduler.now + this.world.delay(), this.peer.lastArrival), "closed by peer");
  }

  /** tells this side's listeners, once, as an event of its node */
  notify(at: number, reason: string): void {
    this.world.scheduler.scheduleAt(at, this.node, () => {
      if (this.notified) return;
      this.notified = true;
      for (const l of this.closeListeners) l(reason);
    }, this.incarnation);
  }
}

export class SimNetworkWorld {
  private readonly listeners = new Map<string, { node: SimNode; incarnation: number; accept: (c: Connection) => void }>();
  private readonly ends = new Set<SimConnectionEnd>();
  /** "a|b" -> time the partition heals */
  private readonly cuts = new Map<string, number>();
  private nextAddress = 1;

  constructor(
    readonly scheduler: SimScheduler,
    readonly rng: SeededRandom,
    readonly maxDelayMs: number,
  ) {}

  delay(): number {
    // mostly quick, sometimes slow: a congested link
    return this.rng.chance(0.05) ? this.rng.int(this.maxDelayMs, this.maxDelayMs * 8) : this.rng.int(1, this.maxDelayMs);
  }

  private pairKey(a: SimNode, b: SimNode): string {
    return a.name < b.name ? `${a.name}|${b.name}` : `${b.name}|${a.name}`;
  }

  isCut(a: SimNode, b: SimNode): boolean {
    const until = this.cuts.get(this.pairKey(a, b));
    return until !== undefined && this.scheduler.now < until;
  }

  /** cuts every link between a and b until `untilMs`; their connections break now */
  partition(a: SimNode, b: SimNode, untilMs: number): void {
    this.cuts.set(this.pairKey(a, b), untilMs);
    for (const e of [...this.ends]) if (e.node === a && e.peer.node === b) this.breakConnection(e, "partitioned");
  }

  breakConnection(end: SimConnectionEnd, reason: string): void {
    for (const e of [end, end.peer]) {
      if (e.closed && e.notified) continue;
      e.closed = true;
      e.notify(this.scheduler.now + this.delay(), reason);
      this.ends.delete(e);
    }
  }

  /** a crashed node stops listening and its connections break */
  crashed(node: SimNode): void {
    for (const [address, l] of this.listeners) if (l.node === node) this.listeners.delete(address);
    for (const e of [...this.ends]) if (e.node === node) this.breakConnection(e, "peer crashed");
  }

  listen(node: SimNode, accept: (c: Connection) => void): string {
    const address = `sim://${node.name}/${this.nextAddress++}`;
    this.listeners.set(address, { node, incarnation: node.incarnation, accept });
    return address;
  }

  connect(node: SimNode, address: string): Promise<Connection> {
    return new Promise<Connection>((resolve, reject) => {
      const incarnation = node.incarnation;
      this.scheduler.schedule(this.delay(), null, () => {
        const l = this.listeners.get(address);
        if (l === undefined || l.incarnation !== l.node.incarnation || l.node.state === "down" || this.isCut(node, l.node) || node.incarnation !== incarnation) {
          this.scheduler.schedule(this.delay(), node, () => reject(new Error(`cannot connect to ${address}`)), incarnation);
          return;
        }
        const mine = new SimConnectionEnd(this, node, incarnation);
        const theirs = new SimConnectionEnd(this, l.node, l.incarnation);
        mine.peer = theirs;
        theirs.peer = mine;
        this.ends.add(mine);
        this.ends.add(theirs);
        // the acceptor learns of it before any frame from us can arrive (same delay floor, earlier seq)
        const at = this.scheduler.now + this.delay();
        theirs.lastArrival = at;
        mine.lastArrival = at;
        this.scheduler.scheduleAt(at, l.node, () => l.accept(theirs), l.incarnation);
        this.scheduler.scheduleAt(at, node, () => resolve(mine), incarnation);
      });
    });
  }
}

/** one node's view of the network */
export class SimNetwork implements Network {
  constructor(
    private readonly world: SimNetworkWorld,
    private readonly node: SimNode,
  ) {}

  async listen(onConnection: (c: Connection) => void): Promise<string> {
    return this.world.listen(this.node, onConnection);
  }

  connect(address: string): Promise<Connection> {
    return this.world.connect(this.node, address);
  }

  async close(): Promise<void> {}
}
