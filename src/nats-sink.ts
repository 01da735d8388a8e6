// CREATE SINK ... WITH (connector = 'nats', servers, subject, stream) FORMAT JSON | DEBEZIUM_JSON |
// UPSERT: publishes each change of its input as one JetStream message on `subject`, in order.
//
// Every message carries the id <sink>:<definition hash>:<epoch>:<row> (Nats-Msg-Id; the definition
// includes a comment naming the sink's instance, see prepareNatsSink), where epoch
// counts the sink's input batches since its creation. Recovery replays the log, so the sink sees
// the same batches again and numbers them the same: before publishing, it reads the ids of the
// subject's recent messages and skips what is there (see skipPublished); JetStream's duplicate
// window drops any other repeat. A replay therefore publishes nothing twice and skips nothing.
//
// While the server is down (or the stream refuses), messages wait in order and are retried with
// backoff; the views keep computing, and sage_catalog.sink_status shows the lag and the error.
// Nothing is dropped. The stream is created (for the subject) when it does not exist.

import { createHash, randomBytes } from "node:crypto";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { Database } from "./database.js";
import type { RelationEntry } from "./catalog/index.js";
import { encodeChange, NATS_SINK_FORMATS, readMessageFormat, readNatsOptions, type MessageColumn, type NatsOptions, type NatsSinkFormat } from "./connectors/index.js";
import type { SinkWriter } from "./sink-writer.js";
import { reportSinkStatus, type SinkStatus } from "./sink-status.js";
import { SqlError, SqlState, type Chunk, type DataType } from "./types/index.js";

/** messages published before waiting for their acks */
const WINDOW = 256;
const PUBLISH_TIMEOUT_MS = 2000;
const MAX_BACKOFF_MS = 2000;
/** how long FLUSH waits for a sink that cannot publish before it reports the error */
const FLUSH_PATIENCE_MS = 5000;
/** recent messages of the subject read after a restart to find what was published */
const RESUME_SCAN = 4 * WINDOW;

interface Outgoing {
  epoch: number;
  row: number;
  data: string;
  deleted: boolean;
}

const sinksOf = new WeakMap<Database, Set<NatsSink>>();

/** FLUSH: waits until every NATS sink of `db` has published what it holds; throws a sink's error. */
export async function flushNatsSinks(db: Database): Promise<void> {
  for (const sink of sinksOf.get(db) ?? []) await sink.flush();
}

class NatsSink implements SinkWriter {
  readonly replaysChanges = true;
  private readonly queue: Outgoing[] = [];
  private epoch = 0;
  private readonly idPrefix: string;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  /** the last message id already on the subject has been read (once per start) */
  private resumed = false;
  private pumping = false;
  private stopped = false;
  private started = false;
  private unlisten: (() => void) | null = null;
  private readonly unreport: () => void;
  private rowsWritten = 0;
  private retries = 0;
  private error: string | null = null;

  constructor(
    private readonly db: Database,
    private readonly entry: RelationEntry,
    private readonly columns: MessageColumn[],
    private readonly options: NatsOptions & { stream: string },
    private readonly format: NatsSinkFormat,
  ) {
    const hash = createHash("sha256").update(entry.definition ?? "").digest("hex").slice(0, 12);
    this.idPrefix = `${entry.name}:${hash}:`;
    this.unreport = reportSinkStatus(db, this);
    let set = sinksOf.get(db);
    if (!set) sinksOf.set(db, (set = new Set()));
    set.add(this);
    db.whenRecovered(() => {
      this.started = true;
      void this.pump();
    });
  }

  setSource(unlisten: () => void): void {
    this.unlisten = unlisten;
  }

  accept(changes: Chunk | null): void {
    if (changes === null || changes.length === 0 || this.stopped) return;
    const epoch = ++this.epoch;
    for (let i = 0; i < changes.length; i++) {
      const { data, deleted } = encodeChange(this.format, this.columns, changes.row(i), changes.op(i));
      this.queue.push({ epoch, row: i, data, deleted });
    }
    if (this.started) void this.pump();
  }

  /** Publishes what waits, in order, until the queue is empty; retries with backoff on failure. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let backoff = 100;
    try {
      while (!this.stopped && (this.queue.length > 0 || !this.resumed)) {
        try {
          const js = await this.connection();
          const window = this.queue.slice(0, WINDOW);
          await Promise.all(
            window.map((m) => {
              const h = headers();
              if (m.deleted) h.set("Sage-Op", "delete");
              return js.publish(this.options.subject, m.data, { msgID: this.messageId(m), timeout: PUBLISH_TIMEOUT_MS, headers: h });
            }),
          );
          this.queue.splice(0, window.length);
          this.rowsWritten += window.length;
          this.error = null;
          backoff = 100;
        } catch (e) {
          if (this.stopped) return;
          this.error = e instanceof Error ? e.message : String(e);
          this.retries++;
          await new Promise((r) => setTimeout(r, backoff).unref());
          backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Connects (once), makes sure the stream exists, and skips what the subject already has from this sink. */
  private async connection(): Promise<JetStreamClient> {
    if (this.nc === null || this.nc.isClosed()) {
      this.nc = await connect({ servers: this.options.servers, maxReconnectAttempts: -1, name: `sage-sql sink ${this.entry.name}` });
      this.js = jetstream(this.nc);
    }
    if (!this.resumed) {
      const jsm = await jetstreamManager(this.nc);
      const stream = this.options.stream;
      const info = await jsm.streams.info(stream).catch((e: Error) => (/not found/i.test(e.message) ? null : Promise.reject(e)));
      if (info === null) await jsm.streams.add({ name: stream, subjects: [this.options.subject] });
      await this.skipPublished(jsm, this.js!, stream);
      this.resumed = true;
    }
    return this.js!;
  }

  /**
   * After a restart: drops from the queue what the subject already has. Windows are published one
   * after the other, so everything older than the window of the newest message found is there;
   * within that window (a connection may have dropped mid-window), only the ids found are.
   */
  private async skipPublished(jsm: JetStreamManager, js: JetStreamClient, stream: string): Promise<void> {
    const subject = this.options.subject;
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch((e: Error) => (/not found/i.test(e.message) ? null : Promise.reject(e)));
    if (last === null || this.queue.length === 0) return;
    // the ids of the subject's recent messages (headers only)
    const found = new Set<string>();
    const consumer = await js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, last.seq - RESUME_SCAN), headers_only: true });
    const msgs = await consumer.fetch({ max_messages: RESUME_SCAN + 1, expires: PUBLISH_TIMEOUT_MS });
    for await (const m of msgs) {
      const id = m.headers?.get("Nats-Msg-Id");
      if (id?.startsWith(this.idPrefix)) found.add(id);
      if (m.seq >= last.seq) break;
    }
    let newest = -1;
    for (let i = 0; i < this.queue.length; i++) if (found.has(this.messageId(this.queue[i]))) newest = i;
    if (newest < 0) return;
    const keep = this.queue.slice(Math.max(0, newest - WINDOW + 1), newest + 1).filter((m) => !found.has(this.messageId(m)));
    const skipped = newest + 1 - keep.length;
    this.queue.splice(0, newest + 1, ...keep);
    this.rowsWritten += skipped;
  }

  private messageId(m: Outgoing): string {
    return this.idPrefix + `${m.epoch}:${m.row}`;
  }

  status(): SinkStatus {
    const lastEpoch = this.queue.length > 0 ? this.queue[0].epoch - 1 : this.epoch;
    return { sink: this.entry.name, connector: "nats", rowsWritten: this.rowsWritten, lastEpoch, lagRows: this.queue.length, error: this.error, retries: this.retries };
  }

  /**
   * Resolves once the messages queued now are published. While publishing fails it waits up to
   * FLUSH_PATIENCE_MS (the sink keeps retrying meanwhile), then rejects (58030) saying why the
   * messages wait: they stay queued and are retried.
   */
  async flush(): Promise<void> {
    const target = this.epoch;
    const started = Date.now();
    while (!this.stopped && (!this.resumed || (this.queue.length > 0 && this.queue[0].epoch <= target))) {
      if (this.error !== null && Date.now() - started >= FLUSH_PATIENCE_MS) {
        throw new SqlError(SqlState.IoError, `sink "${this.entry.name}" cannot publish to NATS: ${this.error}`, {
          detail: `${this.queue.length} messages wait; they are retried with backoff (see sage_catalog.sink_status).`,
        });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  stop(): void {
    this.stopped = true;
    sinksOf.get(this.db)?.delete(this);
    this.unlisten?.();
    this.unreport();
    void this.nc?.close().catch(() => undefined);
    this.nc = null;
  }
}

const INSTANCE_MARK = / ?\/\* sage-sink-instance [0-9a-z]+ \*\//;

/**
 * The NATS sink's options and FORMAT, checked; returns what makes the sink once its columns are
 * known. A sink created now (not replayed) gets a comment naming this instance put into its
 * statement text, which the log keeps: its message ids (which hash the definition) differ from
 * those of a dropped sink of the same name and definition, whose messages must not be taken as sent.
 */
export function prepareNatsSink(db: Database, options: Record<string, string>, format: string | undefined, st: { text?: string }): (entry: RelationEntry, types: DataType[]) => SinkWriter {
  const nats = readNatsOptions(options, "sink", ["format"]);
  const fmt = readMessageFormat(format ?? options.format, NATS_SINK_FORMATS, "sink");
  if (!db.isReplaying && st.text !== undefined) {
    const instance = `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
    // inside the statement (after CREATE SINK), so that the replayed statement's text keeps it
    st.text = st.text.replace(INSTANCE_MARK, "").replace(/^\s*CREATE\s+SINK\b/i, (m) => `${m} /* sage-sink-instance ${instance} */`);
  }
  return (entry, types) => new NatsSink(db, entry, entry.columns.map((c, i) => ({ name: c.name, type: types[i] })), { ...nats, stream: nats.stream! }, fmt);
}
