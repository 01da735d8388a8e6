// An outgoing connection to another node for one generation: opened lazily, `hello` first, frames
// queued while it connects and sent in order after. A link that fails or closes is BROKEN for the
// rest of its generation and drops what it is given: reconnecting would let a frame vanish between
// two that arrive, so instead the epoch stalls and the leader's checkpoint timeout starts a new
// generation that restores from the last committed epoch.

import type { Connection, Network } from "./backbone.js";
import { type ControlFrame, encodeControl } from "./node-frames.js";

export class PeerLink {
  private conn: Connection | null = null;
  private queue: Uint8Array[] = [];
  private broken = false;

  constructor(
    network: Network,
    address: string,
    hello: ControlFrame,
    private readonly onBroken: (reason: string) => void,
    onFrame?: (frame: Uint8Array) => void,
  ) {
    network.connect(address).then(
      (conn) => {
        if (this.broken) {
          conn.close();
          return;
        }
        this.conn = conn;
        conn.onClose((reason) => this.breakLink(`closed: ${reason}`));
        if (onFrame !== undefined) conn.onFrame(onFrame);
        conn.send(encodeControl(hello));
        for (const f of this.queue) conn.send(f);
        this.queue = [];
      },
      (e: unknown) => this.breakLink(`connect failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  get isBroken(): boolean {
    return this.broken;
  }

  send(frame: Uint8Array): void {
    if (this.broken) return;
    if (this.conn === null) this.queue.push(frame);
    else this.conn.send(frame);
  }

  close(): void {
    if (this.broken) return;
    this.broken = true;
    this.queue = [];
    this.conn?.close();
  }

  private breakLink(reason: string): void {
    if (this.broken) return;
    this.broken = true;
    this.queue = [];
    this.conn?.close();
    this.onBroken(reason);
  }
}
