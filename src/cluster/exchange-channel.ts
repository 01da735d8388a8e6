// Exchange channels over one Connection, with credit-based backpressure. A channel is one
// upstream partition sending to one downstream partition of an exchange (a FrameHeader names it);
// many share the link between two nodes, and an ExchangeEndpoint on each end routes frames to
// them.
//
// Credits count frames. The receiver grants `window` credits when it opens and more as its
// consumer finishes messages; the sender writes a frame only while it holds a credit and queues it
// otherwise. So a receiver holds at most `window` unconsumed frames, and a sender's queue is
// bounded too: `offer` says when it is at `maxQueued` (a synchronous producer pauses its input
// then, as the engine's sources do when overloaded) and `send` waits for room. Barriers and
// watermarks queue behind chunks like any frame, so a channel's order is kept.

import type { Message } from "../executor/index.js";
import type { Connection } from "./backbone.js";
import { arrowFrameCodec, decodeFrameHeader, frameKind, isExchangeFrame, type ExchangeFrameCodec, type FrameHeader, type FramePayload } from "./exchange-frames.js";

export interface ChannelOptions {
  /** frames a receiver accepts before it must grant more (default 16) */
  window?: number;
  /** frames a sender queues while out of credit before producers must wait (default 16) */
  maxQueued?: number;
  /** frames on the link that are not exchange frames (the protocol's control messages), if shared */
  onOtherFrame?: (frame: Uint8Array) => void;
  /** a chunk frame larger than this is split into smaller chunks (default 16 MiB; ws refuses > 64 MiB) */
  maxFrameBytes?: number;
  /** how frames are written (default Arrow IPC chunks); a receiver reads every encoding */
  codec?: ExchangeFrameCodec;
  /** a sender wrote queued frames on a grant: a producer paused on its queue may go on */
  onDrain?: () => void;
}

const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

function channelKey(h: FrameHeader): string {
  return `${h.generation}\u0000${h.view}\u0000${h.exchange}\u0000${h.fromPartition}\u0000${h.toPartition}`;
}

/** The sending end of one channel. */
export class ExchangeSender {
  private credit = 0;
  private readonly queue: Message[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private closedWhy: Error | null = null;
  /** frames written to the link */
  sent = 0;
  /** the most messages ever queued here at once */
  maxQueue = 0;

  constructor(
    readonly header: FrameHeader,
    private readonly write: (frame: Uint8Array) => void,
    readonly maxQueued: number,
    /** a chunk whose frame is larger is sent as smaller chunks (the link refuses huge messages) */
    readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
    private readonly encode: (header: FrameHeader, payload: FramePayload) => Uint8Array = arrowFrameCodec.encode,
    private readonly onDrain?: () => void,
  ) {}

  get credits(): number {
    return this.credit;
  }

  /** messages waiting for credit */
  get queued(): number {
    return this.queue.length;
  }

  /** at its bound: a producer should stop until whenWritable() */
  get overloaded(): boolean {
    return this.queue.length >= this.maxQueued;
  }

  /** why the channel closed (its link broke, its generation was dropped); null while open */
  get closedReason(): Error | null {
    return this.closedWhy;
  }

  /**
   * Writes the message now if it has credit, else queues it (it never drops one while open).
   * Returns false when the queue is at its bound: the producer must wait (whenWritable) before
   * offering more. On a closed channel the message is dropped (false): its generation is over and
   * recovery replays from the last checkpoint, and a producer inside an operator must not throw.
   */
  offer(msg: Message): boolean {
    if (this.closedWhy !== null) return false;
    this.queue.push(msg);
    if (this.queue.length > this.maxQueue) this.maxQueue = this.queue.length;
    this.flush();
    return !this.overloaded;
  }

  /** Offers the message once the queue has room: an async producer never overfills the queue. */
  async send(msg: Message): Promise<void> {
    while (this.overloaded) await this.whenWritable();
    if (this.closedWhy !== null) throw this.closedWhy;
    this.offer(msg);
  }

  /** Resolves once the queue is below its bound (rejects if the channel closes first). */
  whenWritable(): Promise<void> {
    if (this.closedWhy !== null) return Promise.reject(this.closedWhy);
    if (!this.overloaded) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** the receiver granted more credit (the endpoint calls this) */
  grant(credits: number): void {
    this.credit += credits;
    const before = this.sent;
    this.flush();
    if (this.sent > before) this.onDrain?.();
  }

  private flush(): void {
    while (this.credit > 0 && this.queue.length > 0) {
      const msg = this.queue.shift()!;
      const frame = this.encode(this.header, msg);
      if (frame.length > this.maxFrameBytes && msg.kind === "chunk" && msg.chunk.length > 1) {
        // wide rows (documents, embeddings): halves, in order, each a frame and a credit of its own
        const c = msg.chunk;
        const mid = c.length >> 1;
        this.queue.unshift({ kind: "chunk", chunk: c.slice(0, mid) }, { kind: "chunk", chunk: c.slice(mid, c.length) });
        continue;
      }
      this.credit--;
      this.write(frame);
      this.sent++;
    }
    if (!this.overloaded && this.waiters.length > 0) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w.resolve();
    }
  }

  /** Drops the queue; waiting producers are rejected with `why`. */
  close(why = new Error("exchange channel closed")): void {
    if (this.closedWhy !== null) return;
    this.closedWhy = why;
    this.queue.length = 0;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(why);
  }
}

/**
 * The receiving end of one channel: hands messages to its consumer one at a time, in order, and
 * grants a credit back for each one the consumer finished (in batches of half the window, so
 * grants are few). A consumer returning a promise is a slow one: the next message waits for it.
 */
export class ExchangeReceiver {
  private readonly inbox: Message[] = [];
  private running = false;
  private consumedSinceGrant = 0;
  private closed = false;
  /** frames received */
  received = 0;
  /** the most frames ever waiting here at once (bounded by the window) */
  maxInbox = 0;

  constructor(
    readonly header: FrameHeader,
    private readonly grantCredits: (credits: number) => void,
    readonly window: number,
    private readonly consumer: (msg: Message) => void | Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {
    grantCredits(window);
  }

  /** unconsumed messages held here */
  get pending(): number {
    return this.inbox.length;
  }

  deliver(msg: Message): void {
    if (this.closed) return;
    this.received++;
    this.inbox.push(msg);
    if (this.inbox.length > this.maxInbox) this.maxInbox = this.inbox.length;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.inbox.length > 0 && !this.closed) {
        const msg = this.inbox.shift()!;
        const r = this.consumer(msg);
        if (r !== undefined) await r;
        if (++this.consumedSinceGrant >= Math.max(1, this.window >> 1)) {
          this.grantCredits(this.consumedSinceGrant);
          this.consumedSinceGrant = 0;
        }
      }
    } catch (e) {
      this.close();
      this.onError(e);
    } finally {
      this.running = false;
    }
  }

  close(): void {
    this.closed = true;
    this.inbox.length = 0;
  }
}

/**
 * One end of a Connection between two nodes: the channels that use it in either direction.
 * Frames for a channel nobody opened here (an older generation's, or one already closed) are
 * dropped and counted; credits that arrive before their sender opened are kept for it.
 */
export class ExchangeEndpoint {
  private readonly senders = new Map<string, ExchangeSender>();
  private readonly receivers = new Map<string, ExchangeReceiver>();
  private readonly earlyCredits = new Map<string, number>();
  private readonly window: number;
  private readonly maxQueued: number;
  private readonly maxFrameBytes: number;
  private readonly codec: ExchangeFrameCodec;
  private readonly onDrain: (() => void) | undefined;
  private readonly onOtherFrame: ((frame: Uint8Array) => void) | undefined;
  /** frames dropped: no open channel (stale generation) */
  dropped = 0;
  /** set once the link closed: channels opened after that are closed from the start */
  private closedWhy: Error | null = null;

  constructor(
    private readonly conn: Connection,
    options: ChannelOptions = {},
    /** a frame that does not decode, or a consumer that threw */
    private readonly onError: (e: unknown, header: FrameHeader | null) => void = () => {},
  ) {
    this.window = options.window ?? 16;
    this.maxQueued = options.maxQueued ?? 16;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.codec = options.codec ?? arrowFrameCodec;
    this.onDrain = options.onDrain;
    this.onOtherFrame = options.onOtherFrame;
    conn.onFrame((frame) => this.route(frame));
    conn.onClose((reason) => {
      const why = new Error(`exchange link closed: ${reason}`);
      this.closedWhy = why;
      for (const s of this.senders.values()) s.close(why);
      for (const r of this.receivers.values()) r.close();
      this.senders.clear();
      this.receivers.clear();
    });
  }

  sender(header: FrameHeader): ExchangeSender {
    const key = channelKey(header);
    let s = this.senders.get(key);
    if (s === undefined) {
      s = new ExchangeSender(header, (f) => this.conn.send(f), this.maxQueued, this.maxFrameBytes, this.codec.encode, this.onDrain);
      if (this.closedWhy !== null) {
        s.close(this.closedWhy);
        return s;
      }
      this.senders.set(key, s);
      const early = this.earlyCredits.get(key);
      if (early !== undefined) {
        this.earlyCredits.delete(key);
        s.grant(early);
      }
    }
    return s;
  }

  receiver(header: FrameHeader, consumer: (msg: Message) => void | Promise<void>): ExchangeReceiver {
    const key = channelKey(header);
    if (this.receivers.has(key)) throw new Error(`exchange channel ${key.replaceAll("\u0000", "/")} is already open`);
    const r = new ExchangeReceiver(header, (credits) => this.conn.send(this.codec.encode(header, { kind: "credit", credits })), this.window, consumer, (e) => this.onError(e, header));
    if (this.closedWhy !== null) r.close();
    else this.receivers.set(key, r);
    return r;
  }

  /** Closes every channel of a generation older than `generation` (after a rebalance). */
  dropGenerationsBefore(generation: number): void {
    for (const [k, s] of this.senders) if (s.header.generation < generation) (s.close(), this.senders.delete(k));
    for (const [k, r] of this.receivers) if (r.header.generation < generation) (r.close(), this.receivers.delete(k));
    for (const k of this.earlyCredits.keys()) if (Number(k.split("\u0000")[0]) < generation) this.earlyCredits.delete(k);
  }

  private route(frame: Uint8Array): void {
    if (this.onOtherFrame !== undefined && !isExchangeFrame(frame)) return this.onOtherFrame(frame);
    let header: FrameHeader | null = null;
    try {
      header = decodeFrameHeader(frame);
      const key = channelKey(header);
      const receiver = this.receivers.get(key);
      if (receiver !== undefined) {
        const { payload } = this.codec.decode(frame);
        if (payload.kind === "credit") throw new Error("a credit frame for a receiving channel");
        receiver.deliver(payload);
        return;
      }
      const sender = this.senders.get(key);
      if (sender !== undefined || frameKind(frame) === "credit") {
        const { payload } = this.codec.decode(frame);
        if (payload.kind !== "credit") throw new Error("a message frame for a sending channel");
        if (sender !== undefined) sender.grant(payload.credits);
        else this.earlyCredits.set(key, (this.earlyCredits.get(key) ?? 0) + payload.credits);
        return;
      }
      this.dropped++;
    } catch (e) {
      this.onError(e, header);
    }
  }
}
