// Writes statement results to the client: notices, RowDescription, DataRows in the requested
// formats, and the CommandComplete tag. Rows come from a RowSource, which is either the rows a
// statement returned or a SUBSCRIBE feed that waits for changes until the query is cancelled.

import type { ChangeFeedHandle, ResultColumn, StatementResult } from "../types/index.js";
import { SqlError } from "../types/index.js";
import { canceledError, noticeFields } from "./error-fields.js";
import { commandTag } from "./command-tag.js";
import { commandComplete, dataRow, noticeResponse, rowDescription, type FieldDescription } from "./messages.js";
import { wireType } from "./type-oids.js";
import { encodeValue } from "./value-encoding.js";

export interface WireOutput {
  send(message: Buffer): void;
  /** flushes what is queued and waits while the socket's send buffer is full */
  drain(): Promise<void>;
}

/** Rows of one result, pulled one at a time. */
export interface RowSource {
  /** the next row, or null when there are no more (a SUBSCRIBE waits, and throws 57014 when cancelled) */
  next(signal: AbortSignal): Promise<unknown[] | null> | unknown[] | null;
  /** stops the source (a SUBSCRIBE unsubscribes) */
  close(): void;
}

class ArrayRows implements RowSource {
  private i = 0;
  constructor(private readonly rows: unknown[][]) {}
  next(): unknown[] | null {
    return this.i < this.rows.length ? this.rows[this.i++] : null;
  }
  close(): void {}
}

class SubscriptionRows implements RowSource {
  private batch: unknown[][] = [];
  private i = 0;
  constructor(private readonly sub: ChangeFeedHandle) {}

  next(signal: AbortSignal): Promise<unknown[] | null> | unknown[] | null {
    if (this.i < this.batch.length) return this.batch[this.i++];
    return this.wait(signal);
  }

  private async wait(signal: AbortSignal): Promise<unknown[] | null> {
    while (this.i >= this.batch.length) {
      if (signal.aborted) throw canceledError();
      const batch = await abortable(this.sub.next(), signal);
      if (batch === null) {
        if (signal.aborted) throw canceledError();
        return null;
      }
      this.batch = batch;
      this.i = 0;
    }
    return this.batch[this.i++];
  }

  close(): void {
    this.sub.cancel();
  }
}

/** Resolves with the promise, or rejects with 57014 once the signal fires. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(canceledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceledError());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

export function rowSource(result: StatementResult): RowSource {
  return result.subscription ? new SubscriptionRows(result.subscription) : new ArrayRows(result.rows);
}

/** Per-column format codes from Bind's result formats (none: text; one: all; else one each). */
export function resolveFormats(formats: readonly number[], columns: number): number[] {
  if (formats.length === 0) return new Array<number>(columns).fill(0);
  if (formats.length === 1) return new Array<number>(columns).fill(formats[0]);
  if (formats.length !== columns) {
    throw new SqlError("08P01", `bind message has ${formats.length} result formats but query has ${columns} columns`);
  }
  return [...formats];
}

export function fieldDescriptions(columns: readonly ResultColumn[], formats: readonly number[]): FieldDescription[] {
  return columns.map((c, i) => {
    const w = wireType(c.type);
    return { name: c.name, tableOid: 0, columnAttr: 0, typeOid: w.oid, typeSize: w.size, typeModifier: w.modifier, format: formats[i] ?? 0 };
  });
}

/** Rows between checks for a full socket buffer (and cancellation). */
const ROWS_PER_DRAIN = 256;

export class ResultWriter {
  constructor(
    private readonly out: WireOutput,
    private readonly timeZone: () => string,
  ) {}

  notices(result: StatementResult): void {
    for (const n of result.notices) this.out.send(noticeResponse(noticeFields(n)));
  }

  describeRows(columns: readonly ResultColumn[], formats: readonly number[]): void {
    this.out.send(rowDescription(fieldDescriptions(columns, formats)));
  }

  /**
   * Sends up to `maxRows` rows (0: all) from the source. Returns the number sent and whether the
   * source has more (the portal is suspended).
   */
  async writeRows(source: RowSource, columns: readonly ResultColumn[], formats: readonly number[], maxRows: number, signal: AbortSignal): Promise<{ sent: number; more: boolean }> {
    const options = { timeZone: this.timeZone() };
    const types = columns.map((c) => c.type);
    let sent = 0;
    for (;;) {
      if (maxRows > 0 && sent >= maxRows) return { sent, more: true };
      let row = source.next(signal);
      if (row instanceof Promise) {
        await this.out.drain();
        row = await row;
      }
      if (row === null) return { sent, more: false };
      const values = new Array<Buffer | null>(types.length);
      for (let i = 0; i < types.length; i++) values[i] = encodeValue(types[i], row[i], formats[i] ?? 0, options);
      this.out.send(dataRow(values));
      sent++;
      if (sent % ROWS_PER_DRAIN === 0) {
        await this.out.drain();
        if (signal.aborted) throw canceledError();
      }
    }
  }

  complete(result: StatementResult, rowsSent?: number): void {
    this.out.send(commandComplete(commandTag(result, rowsSent)));
  }
}
