// The NATS sink's writer (CREATE SINK ... WITH (connector = 'nats', servers, subject, stream)
// FORMAT JSON | DEBEZIUM_JSON | UPSERT): publishes each change of a batch as one JetStream message
// on `subject`, in order. The sink runtime (src/sink.ts) gathers, batches and retries.
//
// Every message carries the id <sink>:<definition hash>:<epoch>:<row> (Nats-Msg-Id; the definition
// includes a comment naming the sink's instance), where epoch counts the sink's input epochs since
// its creation. The writer is exactly-once in the runtime's sense: recovery replays the log and
// hands it the same epochs again, numbered the same (a checkpoint stores the count and the epochs
// not yet confirmed published, with their numbers: src/sink.ts); before its first publish it reads
// the ids of the subject's recent messages and skips what is there (see skipPublished), which does
// not depend on JetStream's duplicate window; the window drops any other repeat. A replay
// therefore publishes nothing twice and skips nothing. The stream is created for the subject when
// it does not exist.

import { createHash } from "node:crypto";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { SinkBatch, SinkWriter } from "../sink-writer.js";
import { encodeChange, type MessageColumn, type NatsSinkFormat } from "./message-format.js";
import type { NatsOptions } from "./nats-options.js";
import { SqlError } from "../../types/index.js";

/** messages published before waiting for their acks */
const WINDOW = 256;
const PUBLISH_TIMEOUT_MS = 2000;
/** recent messages of the subject read after a restart to find what was published */
const RESUME_SCAN = 4 * WINDOW;

interface Outgoing {
  id: string;
  data: string;
  deleted: boolean;
}

export class NatsSinkWriter implements SinkWriter {
  readonly connector = "nats";
  readonly exactlyOnce = true;
  private readonly idPrefix: string;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  /** the ids already on the subject have been read (once per process, before the first publish) */
  private resumed = false;
  /** the batch being written: its messages (numbered once) and how many are published */
  private current: { id: number; messages: Outgoing[]; sent: number } | null = null;

  constructor(
    private readonly sinkName: string,
    definition: string,
    private readonly options: NatsOptions & { stream: string },
    private readonly columns: MessageColumn[],
    private readonly format: NatsSinkFormat,
  ) {
    const hash = createHash("sha256").update(definition).digest("hex").slice(0, 12);
    this.idPrefix = `${sinkName}:${hash}:`;
  }

  async write(batch: SinkBatch): Promise<void> {
    if (this.current?.id !== batch.id) this.current = { id: batch.id, messages: this.number(batch), sent: 0 };
    const cur = this.current;
    const js = await this.connection(cur);
    while (cur.sent < cur.messages.length) {
      const window = cur.messages.slice(cur.sent, cur.sent + WINDOW);
      await Promise.all(
        window.map((m) => {
          const h = headers();
          if (m.deleted) h.set("Sage-Op", "delete");
          return js.publish(this.options.subject, m.data, { msgID: m.id, timeout: PUBLISH_TIMEOUT_MS, headers: h });
        }),
      );
      cur.sent += window.length;
    }
    this.current = null;
  }

  /** The batch's changes as messages, each with its epoch's number (the runtime numbers them; checkpoints keep it). */
  private number(batch: SinkBatch): Outgoing[] {
    const out: Outgoing[] = [];
    for (const { seq: epoch, chunk } of batch.numbered()) {
      for (let i = 0; i < chunk.length; i++) {
        const { data, deleted } = encodeChange(this.format, this.columns, chunk.row(i), chunk.op(i));
        out.push({ id: `${this.idPrefix}${epoch}:${i}`, data, deleted });
      }
    }
    return out;
  }

  /** Connects (once), makes sure the stream exists, and skips what the subject already has from this sink. */
  private async connection(cur: { messages: Outgoing[]; sent: number }): Promise<JetStreamClient> {
    if (this.nc === null || this.nc.isClosed()) {
      this.nc = await connect({ servers: this.options.servers, maxReconnectAttempts: -1, name: `sage-sql sink ${this.sinkName}` });
      this.js = jetstream(this.nc);
    }
    if (!this.resumed) {
      const jsm = await jetstreamManager(this.nc);
      const stream = this.options.stream;
      const info = await jsm.streams.info(stream).catch((e: Error) => (/not found/i.test(e.message) ? null : Promise.reject(e)));
      if (info === null) await jsm.streams.add({ name: stream, subjects: [this.options.subject] });
      cur.messages = await this.skipPublished(jsm, this.js!, stream, cur.messages);
      this.resumed = true;
    }
    return this.js!;
  }

  /**
   * After a restart: leaves out what the subject already has. Windows are published one after the
   * other, so everything older than the window of the newest message found is there; within that
   * window (a connection may have dropped mid-window), only the ids found are.
   */
  private async skipPublished(jsm: JetStreamManager, js: JetStreamClient, stream: string, messages: Outgoing[]): Promise<Outgoing[]> {
    const subject = this.options.subject;
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch((e: Error) => (/not found/i.test(e.message) ? null : Promise.reject(e)));
    if (last === null || messages.length === 0) return messages;
    const found = new Set<string>();
    const consumer = await js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, last.seq - RESUME_SCAN), headers_only: true });
    const msgs = await consumer.fetch({ max_messages: RESUME_SCAN + 1, expires: PUBLISH_TIMEOUT_MS });
    for await (const m of msgs) {
      const id = m.headers?.get("Nats-Msg-Id");
      if (id?.startsWith(this.idPrefix)) found.add(id);
      if (m.seq >= last.seq) break;
    }
    let newest = -1;
    for (let i = 0; i < messages.length; i++) if (found.has(messages[i].id)) newest = i;
    if (newest < 0) return messages;
    const keep = messages.slice(Math.max(0, newest - WINDOW + 1), newest + 1).filter((m) => !found.has(m.id));
    return [...keep, ...messages.slice(newest + 1)];
  }

  /**
   * The epoch of the newest message on the subject when it is this sink's (a cluster standby lets
   * go of the epochs before it: messages are published in order); null otherwise.
   */
  async confirmed(): Promise<{ epoch: number } | null> {
    if (this.nc === null || this.nc.isClosed()) {
      this.nc = await connect({ servers: this.options.servers, maxReconnectAttempts: -1, name: `sage-sql sink ${this.sinkName}` });
      this.js = jetstream(this.nc);
    }
    const jsm = await jetstreamManager(this.nc);
    const last = await jsm.streams.getMessage(this.options.stream, { last_by_subj: this.options.subject }).catch(() => null);
    const id = last?.header?.get("Nats-Msg-Id");
    if (id === undefined || !id.startsWith(this.idPrefix)) return null;
    const epoch = Number(id.slice(this.idPrefix.length).split(":")[0]);
    return Number.isSafeInteger(epoch) ? { epoch } : null;
  }

  /** A SqlError is the sink's own (a bad value): retrying cannot fix it; a server or network failure can pass. */
  retryable(error: unknown): boolean {
    return !(error instanceof SqlError);
  }

  async close(): Promise<void> {
    await this.nc?.close().catch(() => undefined);
    this.nc = null;
  }
}
