// Feeds a stream from a NATS subject (WITH (connector = 'nats', servers, subject [, stream,
// consumer]) FORMAT JSON | CSV | PLAIN | DEBEZIUM_JSON). Messages are taken in batches (whatever
// has arrived, up to BATCH_MESSAGES); each batch is decoded, logged as one `source` record carrying
// its rows (and, from JetStream, the stream sequence of its last message), then made visible as
// one epoch. Recovery re-applies the logged rows, and the JetStream consumer resumes at the next
// sequence: no duplicate, no gap (exactly-once). A durable consumer is acked only after the log's
// fsync, and messages it redelivers at or below the logged sequence are skipped. Core NATS has no
// replay: messages published while sage-sql is down are lost (at-most-once).
//
// A message that does not decode (malformed JSON, a wrong value) is dropped and counted in
// sage_catalog.sources.bad_messages, with the last reason in last_bad_message; the source goes on.

import { connect, type NatsConnection } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, type JsMsg } from "@nats-io/jetstream";
import type { Database } from "./database.js";
import type { RelationEntry } from "./catalog/index.js";
import { decodeMessage, NATS_SOURCE_FORMATS, readMessageFormat, readNatsOptions, type MessageColumn, type NatsOptions, type NatsSourceFormat } from "./connectors/index.js";
import { appendChunkTo } from "./relation-append.js";
import type { SourceRecord, SourceTask } from "./source-task.js";
import { handOverBatch, sourcesReplicated, startSource } from "./replicated-source.js";
import { Chunk, SqlError, SqlState, formatValue, parseValue } from "./types/index.js";

/** messages per batch at most (one epoch, one fsync) */
const BATCH_MESSAGES = 4096;
/** how long a partial batch waits for more messages before it is committed, ms */
const TAIL_MS = 20;
const MAX_BACKOFF_MS = 5000;

interface Incoming {
  payload: string;
  seq?: number;
  ack?: () => void;
}

export class NatsSourceRunner implements SourceTask {
  private nc: NatsConnection | null = null;
  private stopIterator: (() => void) | null = null;
  private stopped = false;
  /** not reading now (cluster mode: this coordinator does not lead); start() reads again */
  private halted = true;
  /** batches are committed one after the other (a tail's timer and the reading loop both commit) */
  private committing: Promise<void> = Promise.resolve();
  private produced = 0;
  /** JetStream: the stream sequence of the last message logged */
  lastSeq = 0;
  exhausted = false;
  error: string | null = null;
  badMessages = 0;
  lastBadMessage: string | null = null;

  constructor(
    private readonly db: Database,
    readonly relation: string,
    private readonly columns: MessageColumn[],
    private readonly options: NatsOptions,
    private readonly format: NatsSourceFormat,
  ) {}

  get rowsProduced(): number {
    return this.produced;
  }

  /** each start() runs its own reading loop; one of an earlier start (before a halt) ends */
  private generation = 0;

  start(): void {
    if (!this.halted || this.stopped) return;
    this.halted = false;
    void this.run(++this.generation);
  }

  halt(): void {
    this.halted = true;
    this.stopIterator?.();
    void this.nc?.close().catch(() => undefined);
    this.nc = null;
  }

  private get reading(): boolean {
    return !this.stopped && !this.halted;
  }

  private async run(generation: number): Promise<void> {
    let backoff = 100;
    while (this.reading && generation === this.generation) {
      try {
        this.nc ??= await connect({ servers: this.options.servers, maxReconnectAttempts: -1, name: `sage-sql source ${this.relation}` });
        if (this.stopped) break;
        if (this.options.stream !== undefined) await this.readJetStream(this.nc, this.options.stream);
        else await this.readCore(this.nc);
        backoff = 100;
      } catch (e) {
        // a consumer whose batch the input log did not take reads again from the last applied sequence
        this.stopIterator?.();
        if (!this.reading) break;
        // the server is away or the stream is missing: say so and try again
        this.error = e instanceof Error ? e.message : String(e);
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  private async readJetStream(nc: NatsConnection, stream: string): Promise<void> {
    await this.fresh();
    const js = jetstream(nc);
    const consumer =
      this.options.consumer !== undefined
        ? await js.consumers.get(stream, this.options.consumer)
        : await js.consumers.get(stream, {
            filter_subjects: this.options.subject,
            ...(this.lastSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 } : { deliver_policy: DeliverPolicy.All }),
          });
    const msgs = await consumer.consume({ max_messages: BATCH_MESSAGES });
    this.stopIterator = () => msgs.stop();
    this.error = null;
    let batch: Incoming[] = [];
    // a partial batch is committed once no message has come for a moment: the iterator's pending
    // count does not always reach 0 when the stream goes quiet, and a tail must not wait forever
    let tail: ReturnType<typeof setTimeout> | null = null;
    let failure: unknown = null;
    const commitTail = () => {
      tail = null;
      if (batch.length === 0 || !this.reading) return;
      const b = batch;
      batch = [];
      this.inOrder(b).catch((e) => {
        // the reading loop sees it and reads again from the last applied sequence
        failure ??= e;
        msgs.stop();
      });
    };
    try {
      for await (const m of msgs as AsyncIterable<JsMsg>) {
        if (!this.reading || failure !== null) break;
        if (m.seq <= this.lastSeq) {
          m.ack(); // a durable consumer's redelivery of a message already logged
          continue;
        }
        batch.push({ payload: m.string(), seq: m.seq, ack: this.options.consumer !== undefined ? () => m.ack() : undefined });
        if (tail !== null) clearTimeout(tail);
        tail = null;
        if (batch.length >= BATCH_MESSAGES || msgs.getPending() === 0) {
          const b = batch; // taken before waiting, so the tail timer never commits it twice
          batch = [];
          await this.untilNotOverloaded();
          await this.inOrder(b);
        } else tail = setTimeout(commitTail, TAIL_MS);
      }
      await this.committing.catch(() => undefined);
      if (failure !== null) throw failure;
    } finally {
      if (tail !== null) clearTimeout(tail);
    }
  }

  /**
   * Commits a batch after those before it; once one fails, the ones queued behind it fail too
   * (committing them would leave a gap): the consumer then reads again from the last sequence
   * applied (fresh()).
   */
  private inOrder(batch: Incoming[]): Promise<void> {
    const next = this.committing.then(() => this.commit(batch));
    this.committing = next;
    return next;
  }

  /** before a consumer starts: what an earlier one queued has settled, and its failure is forgotten */
  private async fresh(): Promise<void> {
    await this.committing.catch(() => undefined);
    this.committing = Promise.resolve();
  }

  private async readCore(nc: NatsConnection): Promise<void> {
    await this.fresh();
    const sub = nc.subscribe(this.options.subject);
    this.stopIterator = () => sub.unsubscribe();
    this.error = null;
    let batch: Incoming[] = [];
    for await (const m of sub) {
      if (!this.reading) return;
      batch.push({ payload: m.string() });
      if (batch.length >= BATCH_MESSAGES || sub.getPending() === 0) {
        await this.untilNotOverloaded();
        const b = batch;
        batch = [];
        await this.inOrder(b);
      }
    }
  }

  /**
   * Backpressure: while continuous views wait on a slow model, hold the batch. JetStream then
   * stops delivering (the consumer's buffer is full); core NATS buffers in the client, and the
   * server drops messages for a consumer too slow for too long (at-most-once).
   */
  private async untilNotOverloaded(): Promise<void> {
    while (this.db.streams.overloaded && this.reading) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * Decodes a batch, logs it (durable), makes it visible (one epoch), then acks it. In cluster
   * mode the leader hands it to the input log instead, with the sequence of its last message, and
   * acks once its own replica applied it (replicated-source.ts).
   */
  private async commit(batch: Incoming[]): Promise<void> {
    if (!this.reading) return; // DROP STREAM, close or the end of leading while the batch waited
    const rows: unknown[][] = [];
    const ops: number[] = [];
    let seq: number | undefined;
    let bad = this.badMessages;
    for (const m of batch) {
      if (m.seq !== undefined) seq = m.seq;
      try {
        const d = decodeMessage(this.format, this.columns, m.payload);
        rows.push(...d.rows);
        ops.push(...d.ops);
      } catch (e) {
        bad++;
        const why = e instanceof Error ? e.message : String(e);
        this.lastBadMessage = m.seq !== undefined ? `${why} (stream sequence ${m.seq})` : why;
      }
    }
    const hasDeletes = ops.some((o) => o < 0);
    if (sourcesReplicated(this.db)) {
      const types = this.columns.map((c) => c.type);
      const chunks = rows.length > 0 ? [Chunk.fromRows(types, rows, hasDeletes ? ops : undefined)] : [];
      await handOverBatch(this.db, this.relation, chunks, { seq: seq ?? this.lastSeq, produced: this.produced + rows.length, bad });
      for (const m of batch) m.ack?.();
      return;
    }
    this.badMessages = bad;
    this.logAndApply(rows, ops, seq);
    for (const m of batch) m.ack?.();
  }

  /** logs a batch's rows as text (durable; recovery replays them) and applies them as one epoch */
  private logAndApply(rows: unknown[][], ops: number[], seq: number | undefined): void {
    const hasDeletes = ops.some((o) => o < 0);
    const text = rows.map((r) => r.map((v, i) => (v === null ? null : formatValue(this.columns[i].type, v))));
    this.db.log([{ t: "source", rel: this.relation, n: rows.length, rows: text, ...(hasDeletes ? { ops } : {}), ...(seq !== undefined ? { seq } : {}) }]);
    this.apply(rows, hasDeletes ? ops : null, seq);
  }

  private apply(rows: unknown[][], ops: number[] | null, seq: number | undefined): void {
    const types = this.columns.map((c) => c.type);
    let watermark: unknown = undefined;
    if (rows.length > 0) {
      if (ops === null) watermark = appendChunkTo(this.db, this.relation, Chunk.fromRows(types, rows), false).watermark;
      // a changelog (Debezium): the stream keeps no rows, its views see the deletions
      else this.db.publishChunk(this.relation, Chunk.fromRows(types, rows, ops));
    }
    this.produced += rows.length;
    if (seq !== undefined) this.lastSeq = seq;
    this.db.publishChanges(this.relation, [], [], watermark);
  }

  /**
   * For a checkpoint: the JetStream sequence of the last logged message (its rows are in the
   * checkpointed relations and views: rows are logged and applied in one synchronous step, so no
   * checkpoint falls between them) and the counters.
   */
  position(): unknown {
    return { seq: this.lastSeq, produced: this.produced, bad: this.badMessages };
  }

  /** Resumes after a checkpoint: JetStream reads from the sequence after the checkpointed one. */
  restorePosition(position: unknown): void {
    const p = position as { seq?: number; produced?: number; bad?: number } | null;
    this.lastSeq = p?.seq ?? 0;
    this.produced = p?.produced ?? 0;
    this.badMessages = p?.bad ?? 0;
  }

  /**
   * Cluster mode, every replica: a batch read back from the input log, logged as a single node
   * logs its own (its rows and sequence), so a restart replays it the same way.
   */
  applyReplicated(chunks: Chunk[], position: unknown): void {
    const p = position as { seq: number; produced: number; bad: number };
    const rows: unknown[][] = [];
    const ops: number[] = [];
    for (const c of chunks) {
      for (let i = 0; i < c.length; i++) {
        rows.push(c.row(i));
        ops.push(c.op(i));
      }
    }
    this.logAndApply(rows, ops, p.seq);
    this.produced = p.produced;
    this.badMessages = p.bad;
  }

  /** Recovery: re-applies the rows a log record carries; JetStream resumes after its sequence. */
  replay(rec: SourceRecord): void {
    const rows = (rec.rows ?? []).map((r) => r.map((v, i) => (v === null ? null : parseValue(this.columns[i].type, v))));
    this.apply(rows, rec.ops ?? null, rec.seq);
  }

  stop(): void {
    this.stopped = true;
    this.exhausted = true;
    this.halt();
  }
}

/**
 * Checks a NATS source's options and FORMAT (before the stream is created) and returns what
 * starts it once the stream exists: reading begins after recovery, where the log says.
 */
export function prepareNatsSource(db: Database, options: Record<string, string>, format: string | undefined, entry: RelationEntry): () => void {
  const nats = readNatsOptions(options, "source", ["format"]);
  const fmt = readMessageFormat(format ?? options.format, NATS_SOURCE_FORMATS, "source");
  const columns = entry.columns.map((c) => ({ name: c.name, type: c.type }));
  if (fmt === "plain" && columns.length !== 1) {
      throw new SqlError(SqlState.InvalidTableDefinition, `FORMAT PLAIN gives each message as one value: the stream needs exactly one column, not ${columns.length}`);
    }
    if (fmt === "debezium_json" && (entry.retain !== false || entry.watermark !== undefined)) {
    throw new SqlError(SqlState.FeatureNotSupported, `a DEBEZIUM_JSON stream carries deletions, so it cannot keep rows (retention = 'all') or have a WATERMARK`, { hint: "Leave retention at 'none' and aggregate it in a materialized view." });
  }
  return () => {
    const runner = new NatsSourceRunner(db, entry.id, columns, nats, fmt);
    db.attachTask(entry.id, runner);
    db.registerSource(entry.id, runner);
    startSource(db, runner);
  };
}
