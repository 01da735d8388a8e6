// An outgoing connection to another node: opened lazily, `hello` first, frames queued while it
// connects and sent in order after. It is a Connection itself, so exchange channels can run over it
// from the start (exchange-channel.ts). A link that fails or closes is BROKEN for good and drops
// what it is given: reconnecting would let a frame vanish between two that arrive, so instead the
// epoch stalls and the leader's checkpoint timeout starts a new generation that restores from the
// last committed epoch.

import type { Connection, Network } from "./backbone.js";
import { type ControlFrame, encodeControl } from "./node-frames.js";

export class PeerLink implements Connection {
  private conn: Connection | null = null;
  private queue: Uint8Array[] = [];
  private closedReason: string | null = null;
  private readonly frameListeners: ((frame: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];

  constructor(
    network: Network,
    address: string,
    hello: ControlFrame,
    /** the link failed or the peer closed it (not called for close() here) */
    private readonly onBroken: (reason: string) => void,
    onFrame?: (frame: Uint8Array) => void,
  ) {
    if (onFrame !== undefined) this.frameListeners.push(onFrame);
    network.connect(address).then(
      (conn) => {
        if (this.closedReason !== null) {
          conn.close();
          return;
        }
        this.conn = conn;
        conn.onClose((reason) => this.breakLink(`closed: ${reason}`));
        conn.onFrame((frame) => {
          for (const l of this.frameListeners) l(frame);
        });
        conn.send(encodeControl(hello));
        for (const f of this.queue) conn.send(f);
        this.queue = [];
      },
      (e: unknown) => this.breakLink(`connect failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  get isBroken(): boolean {
    return this.closedReason !== null;
  }

  send(frame: Uint8Array): void {
    if (this.closedReason !== null) return;
    if (this.conn === null) this.queue.push(frame);
    else this.conn.send(frame);
  }

  onFrame(listener: (frame: Uint8Array) => void): void {
    this.frameListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    const reason = this.closedReason;
    if (reason !== null) queueMicrotask(() => listener(reason));
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.end("closed here");
  }

  private breakLink(reason: string): void {
    if (this.end(reason)) this.onBroken(reason);
  }

  /** false if it had ended already */
  private end(reason: string): boolean {
    if (this.closedReason !== null) return false;
    this.closedReason = reason;
    this.queue = [];
    this.conn?.close();
    const ls = this.closeListeners;
    this.closeListeners = [];
    for (const l of ls) l(reason);
    return true;
  }
}
