// A logical replication stream over the `pg` client: a connection in replication mode runs
// START_REPLICATION ... LOGICAL with pgoutput, and the server answers in the copy-both
// sub-protocol: XLogData ('w') carries pgoutput messages, keepalives ('k') ask for our position.
// We report (Standby Status Update, 'r') only the LSN the caller acknowledged, i.e. what it made
// durable: the slot then keeps everything after it, and a restart streams it again.

import type pg from "pg";
import { connectPg, type PgTarget } from "./pg-connection.js";
import { decodePgOutput, formatLsn, type PgOutputMessage } from "./pgoutput-decoder.js";

/** microseconds between the Unix epoch and Postgres's (2000-01-01) */
const PG_EPOCH_US = 946_684_800_000_000n;
const STATUS_INTERVAL_MS = 1000;

/** Every value as Postgres's text: the mirror parses with its own declared types. */
export const RAW_TEXT_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

export class ReplicationStream {
  private client: pg.Client | null = null;
  private acked = 0n;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly target: PgTarget,
    private readonly slot: string,
    private readonly publication: string,
    /** one decoded message with the WAL position of its XLogData */
    private readonly onMessage: (m: PgOutputMessage) => void,
    /** the stream ended (server gone, slot dropped): the error, or null when closed by us */
    private readonly onEnd: (error: Error | null) => void,
  ) {}

  /** Streams transactions after `fromLsn`; `confirmed` (at most fromLsn) is what status updates report until acknowledge() says more. */
  async start(fromLsn: bigint, confirmed = fromLsn): Promise<void> {
    this.acked = confirmed;
    const client = await connectPg(this.target, { replication: "database", types: RAW_TEXT_TYPES, application_name: `sage-sql cdc ${this.slot}` } as Partial<pg.ClientConfig>);
    if (this.closed) {
      // closed while connecting (DROP SOURCE, shutdown): a connection kept now would hold the slot
      // active until the process exits
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    const con = (client as unknown as { connection: { on(e: string, f: (m: { chunk: Buffer }) => void): void; sendCopyFromChunk(b: Buffer): void } }).connection;
    con.on("copyData", ({ chunk }) => {
      const kind = chunk[0];
      if (kind === 0x77 /* w */) {
        this.onMessage(decodePgOutput(chunk.subarray(25)));
      } else if (kind === 0x6b /* k */) {
        if (chunk[17] === 1) this.sendStatus();
      }
    });
    client.on("error", (e) => this.end(e));
    client.on("end", () => this.end(null));
    const opts = `proto_version '1', publication_names '${this.publication.replace(/'/g, "''")}'`;
    client.query(`START_REPLICATION SLOT ${quoteSlot(this.slot)} LOGICAL ${formatLsn(fromLsn)} (${opts})`).then(
      () => this.end(null),
      (e: Error) => this.end(e),
    );
    this.timer = setInterval(() => this.sendStatus(), STATUS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Everything up to `lsn` is durable on our side: the slot may let it go. */
  acknowledge(lsn: bigint): void {
    if (lsn > this.acked) {
      this.acked = lsn;
      this.sendStatus();
    }
  }

  private sendStatus(): void {
    const c = this.client as unknown as { connection?: { sendCopyFromChunk(b: Buffer): void } } | null;
    if (!c?.connection || this.closed) return;
    const b = Buffer.alloc(34);
    b.write("r", 0);
    b.writeBigUInt64BE(this.acked, 1); // written
    b.writeBigUInt64BE(this.acked, 9); // flushed
    b.writeBigUInt64BE(this.acked, 17); // applied
    b.writeBigUInt64BE(BigInt(Date.now()) * 1000n - PG_EPOCH_US, 25);
    b.writeUInt8(0, 33);
    try {
      c.connection.sendCopyFromChunk(b);
    } catch {
      /* the connection is gone: onEnd reports it */
    }
  }

  private end(error: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    void c?.end().catch(() => undefined);
    this.onEnd(error);
  }

  close(): void {
    if (this.closed) return;
    this.sendStatus();
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.client;
    this.client = null;
    // a replication connection in copy mode: closing the socket ends it
    (c as unknown as { connection?: { stream?: { destroy(): void } } })?.connection?.stream?.destroy();
    void c?.end().catch(() => undefined);
  }
}

export function quoteSlot(slot: string): string {
  return `"${slot.replace(/"/g, '""')}"`;
}
