// The byte form of what travels between workers on an exchange: one frame = a fixed header
// (generation, view, exchange, from/to partition, kind) and a payload. A chunk's payload is an
// Arrow IPC stream (schema + one record batch) holding its columns and, when it has deletions, its
// ops column (or, from the simulation's codec, the state codec's bytes of the chunk: a kind of its
// own, so a receiver reads either); barriers, watermarks and credit grants are a few bytes.
//
// Every SQL type round-trips exactly. Each Arrow field carries its SQL type as JSON metadata
// ("sage.type"), and the Arrow type is the one that keeps the value exact in our in-memory form:
//   boolean → Bool · smallint → Int16 · integer, date → Int32 (date: DateDay) · bigint → Int64
//   real, double, time, timestamp(tz) → Float64 (the engine holds them as float64: real is not
//   narrowed, and µs timestamps stay bit-exact) · text, varchar, char → Utf8
//   numeric → Utf8 of the exact decimal (Arrow's Decimal128 has one scale per column; ours has one
//   per value, and NaN/±Infinity) · bytea → Binary
//   interval → Struct<months Int32, days Int32, micros Float64> · vector → List<Float32>
//   jsonb → Binary of its tree, tagged (its text would not do: '1e3' holds a Decimal that prints
//   1000, which reads back as a number) · array (any dimensions), unknown → Binary of the state
//   codec's bytes.

import {
  Binary,
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Utf8,
  Precision,
  Type,
  makeData,
  type Data,
  type DataType as ArrowType,
} from "apache-arrow";
import { isAscii } from "node:buffer";
import { Chunk, Column, Decimal, Interval, Jsonb, SqlError, physicalKind, type DataType } from "../types/index.js";
import { decodeState, encodeState } from "../executor/state/index.js";
import type { Message } from "../executor/index.js";

/** Which exchange channel a frame belongs to. A frame of an older generation is dropped by receivers. */
export interface FrameHeader {
  generation: number;
  /** the view (materialized view or subscription) the exchange belongs to */
  view: string;
  exchange: number;
  fromPartition: number;
  toPartition: number;
}

/** What a frame carries: an operator message, or the receiver granting the sender more chunks. */
export type FramePayload = Message | { kind: "credit"; credits: number };

export interface ExchangeFrame {
  header: FrameHeader;
  payload: FramePayload;
}

const MAGIC = 0x53; // 'S'
const FORMAT_VERSION = 1;
const KIND_CHUNK = 1;
const KIND_BARRIER = 2;
const KIND_WATERMARK = 3;
const KIND_CREDIT = 4;
/** a chunk in the state codec (V8 serializer): cheaper than Arrow IPC for the simulation's tiny chunks */
const KIND_STATE_CHUNK = 5;
const TYPE_KEY = "sage.type";
const OPS_FIELD = "__ops";

const utf8 = new TextEncoder();

function frameError(why: string): SqlError {
  return new SqlError("08P01", `bad exchange frame: ${why}`);
}

/** How a chunk's rows travel: Arrow IPC (production), or the state codec (the simulation). A receiver reads either. */
export type ChunkEncoding = "arrow" | "state";

export function encodeFrame(header: FrameHeader, payload: FramePayload, chunks: ChunkEncoding = "arrow"): Uint8Array {
  const view = utf8.encode(header.view);
  if (view.length > 0xffff) throw frameError("view name too long");
  let body: Uint8Array;
  let kind: number;
  switch (payload.kind) {
    case "chunk":
      kind = chunks === "arrow" ? KIND_CHUNK : KIND_STATE_CHUNK;
      body = chunks === "arrow" ? encodeChunk(payload.chunk) : encodeState(payload.chunk);
      break;
    case "barrier":
      kind = KIND_BARRIER;
      body = new Uint8Array(9);
      new DataView(body.buffer).setFloat64(0, payload.epoch, true);
      body[8] = payload.final ? 1 : 0;
      break;
    case "watermark": {
      kind = KIND_WATERMARK;
      const value = encodeState(payload.value);
      body = new Uint8Array(4 + value.length);
      new DataView(body.buffer).setUint32(0, payload.column, true);
      body.set(value, 4);
      break;
    }
    case "credit":
      kind = KIND_CREDIT;
      body = new Uint8Array(4);
      new DataView(body.buffer).setUint32(0, payload.credits, true);
      break;
  }
  // the header is padded to 8 bytes so the Arrow buffers after it stay aligned for typed-array views
  const headLen = align8(24 + view.length);
  const out = new Uint8Array(headLen + body.length);
  const dv = new DataView(out.buffer);
  out[0] = MAGIC;
  out[1] = FORMAT_VERSION;
  out[2] = kind;
  dv.setUint16(4, view.length, true);
  dv.setUint32(8, header.generation, true);
  dv.setUint32(12, header.exchange, true);
  dv.setUint32(16, header.fromPartition, true);
  dv.setUint32(20, header.toPartition, true);
  out.set(view, 24);
  out.set(body, headLen);
  return out;
}

/** Reads only the header (a receiver checks the generation before decoding a chunk). */
export function decodeFrameHeader(frame: Uint8Array): FrameHeader {
  if (frame.length < 24 || frame[0] !== MAGIC) throw frameError("not an exchange frame");
  if (frame[1] !== FORMAT_VERSION) throw frameError(`format ${frame[1]}, expected ${FORMAT_VERSION}`);
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const viewLen = dv.getUint16(4, true);
  if (24 + viewLen > frame.length) throw frameError("truncated header");
  return {
    generation: dv.getUint32(8, true),
    exchange: dv.getUint32(12, true),
    fromPartition: dv.getUint32(16, true),
    toPartition: dv.getUint32(20, true),
    view: Buffer.from(frame.buffer, frame.byteOffset + 24, viewLen).toString("utf8"),
  };
}

/** Whether bytes are an exchange frame (by the magic byte), so other traffic can share a link. */
export function isExchangeFrame(frame: Uint8Array): boolean {
  return frame.length >= 24 && frame[0] === MAGIC;
}

/** What a frame carries, from its kind byte alone. */
export function frameKind(frame: Uint8Array): FramePayload["kind"] {
  switch (frame[2]) {
    case KIND_CHUNK:
    case KIND_STATE_CHUNK:
      return "chunk";
    case KIND_BARRIER:
      return "barrier";
    case KIND_WATERMARK:
      return "watermark";
    case KIND_CREDIT:
      return "credit";
    default:
      throw frameError(`unknown kind ${frame[2]}`);
  }
}

export function decodeFrame(frame: Uint8Array): ExchangeFrame {
  const header = decodeFrameHeader(frame);
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headLen = align8(24 + dv.getUint16(4, true));
  const body = frame.subarray(headLen);
  const bodyView = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (frame[2]) {
    case KIND_CHUNK:
      return { header, payload: { kind: "chunk", chunk: decodeChunk(body) } };
    case KIND_STATE_CHUNK: {
      let chunk: unknown;
      try {
        chunk = decodeState(body);
      } catch (e) {
        throw frameError(`state-codec chunk: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!(chunk instanceof Chunk)) throw frameError("a state-codec chunk frame without a chunk");
      return { header, payload: { kind: "chunk", chunk } };
    }
    case KIND_BARRIER:
      if (body.length < 9) throw frameError("truncated barrier");
      return { header, payload: { kind: "barrier", epoch: bodyView.getFloat64(0, true), final: body[8] === 1 } };
    case KIND_WATERMARK:
      if (body.length < 4) throw frameError("truncated watermark");
      return { header, payload: { kind: "watermark", column: bodyView.getUint32(0, true), value: decodeState(body.subarray(4)) } };
    case KIND_CREDIT:
      if (body.length < 4) throw frameError("truncated credit");
      return { header, payload: { kind: "credit", credits: bodyView.getUint32(0, true) } };
    default:
      throw frameError(`unknown kind ${frame[2]}`);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

// ---- chunks <-> Arrow IPC ----

/** A chunk as an Arrow IPC stream (schema + one record batch; ops as an Int8 column "__ops"). */
export function encodeChunk(chunk: Chunk): Uint8Array {
  const n = chunk.length;
  const fields: Field[] = [];
  const children: Data[] = [];
  chunk.columns.forEach((col, i) => {
    const data = columnToArrow(col, n);
    fields.push(new Field(`c${i}`, data.type, true, new Map([[TYPE_KEY, JSON.stringify(col.type)]])));
    children.push(data);
  });
  if (chunk.ops !== null) {
    const ops = chunk.ops.length === n ? chunk.ops : chunk.ops.subarray(0, n);
    fields.push(new Field(OPS_FIELD, new Int8(), false));
    children.push(makeData({ type: new Int8(), length: n, data: ops }));
  }
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  const batch = new RecordBatch(schema, struct);
  const writer = new RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/**
 * Chunks one after another, each as a u32 (big-endian) length and its Arrow IPC bytes: the parts to
 * concatenate (input log messages after their header, log snapshots' table rows).
 */
export function chunkSequenceParts(chunks: readonly Chunk[]): Buffer[] {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const bytes = encodeChunk(c);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    parts.push(len, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return parts;
}

/**
 * `count` chunks of a chunkSequenceParts sequence starting at byte `at` of `data` (a shorter one
 * throws), or without `count` every chunk up to the end.
 */
export function decodeChunkSequence(data: Uint8Array, at = 0, count?: number): Chunk[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Chunk[] = [];
  while (count === undefined ? at < buf.length : out.length < count) {
    const len = buf.readUInt32BE(at);
    out.push(decodeChunk(new Uint8Array(buf.buffer, buf.byteOffset + at + 4, len)));
    at += 4 + len;
  }
  return out;
}

export function decodeChunk(bytes: Uint8Array): Chunk {
  // Arrow views its buffers in place; a misaligned input (a slice of a socket buffer) is copied once
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const reader = RecordBatchReader.from(aligned);
  const batches = [...reader];
  if (batches.length !== 1) throw frameError(`expected one record batch, found ${batches.length}`);
  const batch = batches[0];
  const n = batch.numRows;
  const columns: Column[] = [];
  let ops: Int8Array | null = null;
  batch.schema.fields.forEach((field, i) => {
    const data = batch.data.children[i];
    if (field.name === OPS_FIELD) {
      ops = Int8Array.from((data.values as Int8Array).subarray(data.offset, data.offset + n));
      return;
    }
    const typeJson = field.metadata.get(TYPE_KEY);
    if (typeJson === undefined) throw frameError(`column ${field.name} has no SQL type`);
    columns.push(arrowToColumn(JSON.parse(typeJson) as DataType, data, n));
  });
  return new Chunk(columns, n, ops);
}

/**
 * Arrow validity bitmap (bit set = valid) from a column's NULLs; undefined when it has none. A row
 * is NULL when its mask says so, and, in an object column, also when its slot holds null without
 * a mask (Column.get reads both as NULL; operators that fill an allocData array leave such slots):
 * missed, such a slot would arrive as '' (text), an empty bytea, a zero interval, or fail (numeric).
 */
function validityOf(col: Column, n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  const nulls = col.nulls;
  const slots = Array.isArray(col.data) ? (col.data as unknown[]) : null;
  if (nulls === null && (slots === null || !hasNullSlot(slots, n))) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if ((nulls !== null && nulls[i] === 1) || (slots !== null && (slots[i] === null || slots[i] === undefined))) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount === 0 ? { bitmap: undefined, nullCount: 0 } : { bitmap, nullCount };
}

function hasNullSlot(slots: readonly unknown[], n: number): boolean {
  for (let i = 0; i < n; i++) if (slots[i] === null || slots[i] === undefined) return true;
  return false;
}

/** Our null mask from an Arrow column's validity bitmap; null when no NULLs. */
function nullsOf(data: Data, n: number): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  const bits = data.nullBitmap;
  const off = data.offset;
  const nulls = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = i + off;
    if ((bits[j >> 3] & (1 << (j & 7))) === 0) nulls[i] = 1;
  }
  return nulls;
}

function columnToArrow(col: Column, n: number): Data {
  const { bitmap, nullCount } = validityOf(col, n);
  const t = col.type;
  const base = { length: n, nullCount, nullBitmap: bitmap };
  switch (t.id) {
    case "boolean": {
      const src = col.data as Uint8Array;
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (src[i] === 1) bits[i >> 3] |= 1 << (i & 7);
      return makeData({ type: new Bool(), ...base, data: bits });
    }
    case "smallint":
      return makeData({ type: new Int16(), ...base, data: Int16Array.from((col.data as Int32Array).subarray(0, n)) });
    case "integer":
      return makeData({ type: new Int32(), ...base, data: (col.data as Int32Array).subarray(0, n) });
    case "date":
      return makeData({ type: new DateDay(), ...base, data: (col.data as Int32Array).subarray(0, n) });
    case "bigint":
      return makeData({ type: new Int64(), ...base, data: (col.data as BigInt64Array).subarray(0, n) });
    case "real":
    case "double":
    case "time":
    case "timestamp":
    case "timestamptz":
      return makeData({ type: new Float64(), ...base, data: (col.data as Float64Array).subarray(0, n) });
    case "text":
    case "varchar":
    case "char":
      return asciiTextToArrow(col, n, base) ?? stringsToArrow(col, n, base, (v) => v as string);
    case "numeric":
      return stringsToArrow(col, n, base, (v) => (v as Decimal).toString());
    case "bytea":
      return bytesToArrow(col, n, base, (v) => v as Uint8Array);
    case "jsonb":
      return bytesToArrow(col, n, base, (v) => encodeJsonTree((v as Jsonb).value));
    case "interval": {
      const months = new Int32Array(n);
      const days = new Int32Array(n);
      const micros = new Float64Array(n);
      const values = col.data as (Interval | null)[];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined || col.isNull(i)) continue;
        months[i] = v.months;
        days[i] = v.days;
        micros[i] = v.micros;
      }
      const fields = [new Field("months", new Int32(), false), new Field("days", new Int32(), false), new Field("micros", new Float64(), false)];
      return makeData({
        type: new Struct(fields),
        ...base,
        children: [makeData({ type: new Int32(), length: n, data: months }), makeData({ type: new Int32(), length: n, data: days }), makeData({ type: new Float64(), length: n, data: micros })],
      });
    }
    case "vector": {
      const values = col.data as (Float32Array | null)[];
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        if (!col.isNull(i) && values[i] != null) total += values[i]!.length;
        offsets[i + 1] = total;
      }
      const flat = new Float32Array(total);
      for (let i = 0; i < n; i++) if (!col.isNull(i) && values[i] != null) flat.set(values[i]!, offsets[i]);
      const item = new Field("item", new Float32(), false);
      return makeData({ type: new List(item), ...base, valueOffsets: offsets, child: makeData({ type: new Float32(), length: total, data: flat }) });
    }
    default:
      // arrays of any dimension and anything else: the state codec's exact bytes
      return bytesToArrow(col, n, base, (v) => encodeState(v));
  }
}

/**
 * Buffer's own decoders, without toString's argument handling: per string of a chunk that
 * wrapper cost as much as the decoding (profiled). Undocumented, but what toString itself calls.
 */
interface StringSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

type Validity = { length: number; nullCount: number; nullBitmap: Uint8Array | undefined };

/**
 * A text column in one native call: its strings joined and encoded at once, which is only right
 * when every byte is one character (ASCII), known afterwards from the lengths. Per-string writes
 * cost most of a chunk's encoding (profiled); null when the column is not all ASCII.
 */
function asciiTextToArrow(col: Column, n: number, base: Validity): Data | null {
  const values = (col.data as unknown[]).length === n ? (col.data as (string | null)[]) : (col.data as (string | null)[]).slice(0, n);
  // join() writes NULL slots (null) as ""; a NULL's slot must hold null, not a leftover string
  if (col.nulls !== null) for (let i = 0; i < n; i++) if (col.nulls[i] === 1 && values[i] !== null) return null;
  const joined = values.join("");
  const bytes = Buffer.from(joined, "utf8");
  if (bytes.length !== joined.length) return null;
  const offsets = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) pos += v.length;
    offsets[i + 1] = pos;
  }
  return makeData({ type: new Utf8(), ...base, valueOffsets: offsets, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) });
}

function stringsToArrow(col: Column, n: number, base: Validity, text: (v: unknown) => string): Data {
  const values = col.data as unknown[];
  const offsets = new Int32Array(n + 1);
  // one pass: most text is ASCII, so len * 3 is rarely needed; grow when it is
  let buf = Buffer.allocUnsafe(64);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && !col.isNull(i)) {
      const s = text(v);
      const need = pos + s.length * 3;
      if (need > buf.length) {
        const next = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
        buf.copy(next, 0, 0, pos);
        buf = next;
      }
      pos += buf.write(s, pos, "utf8");
    }
    offsets[i + 1] = pos;
  }
  return makeData({ type: new Utf8(), ...base, valueOffsets: offsets, data: new Uint8Array(buf.buffer, buf.byteOffset, pos) });
}

function bytesToArrow(col: Column, n: number, base: Validity, bytes: (v: unknown) => Uint8Array): Data {
  const values = col.data as unknown[];
  const parts: (Uint8Array | null)[] = new Array(n);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    parts[i] = v !== null && v !== undefined && !col.isNull(i) ? bytes(v) : null;
    total += parts[i]?.length ?? 0;
    offsets[i + 1] = total;
  }
  const flat = new Uint8Array(total);
  for (let i = 0; i < n; i++) if (parts[i] !== null) flat.set(parts[i]!, offsets[i]);
  return makeData({ type: new Binary(), ...base, valueOffsets: offsets, data: flat });
}

function arrowToColumn(type: DataType, data: Data, n: number): Column {
  const nulls = nullsOf(data, n);
  const off = data.offset;
  const kind = physicalKind(type);
  // decoded Arrow types are generic (Int_ with a bit width), so they are checked by id and width
  const expect = (typeId: Type, name: string, width?: number) => {
    const t = data.type as ArrowType & { bitWidth?: number; precision?: number };
    if (t.typeId !== typeId || (width !== undefined && (t.bitWidth ?? (t.precision === Precision.DOUBLE ? 64 : 32)) !== width)) {
      throw frameError(`column of type ${type.id} arrived as Arrow ${String(data.type)}, expected ${name}`);
    }
  };
  switch (type.id) {
    case "boolean": {
      expect(Type.Bool, "Bool");
      const bits = data.values as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = i + off;
        out[i] = (bits[j >> 3] >> (j & 7)) & 1;
      }
      if (nulls) for (let i = 0; i < n; i++) if (nulls[i]) out[i] = 0;
      return new Column(type, out, nulls, n);
    }
    case "smallint":
      expect(Type.Int, "Int16", 16);
      return new Column(type, Int32Array.from((data.values as Int16Array).subarray(off, off + n)), nulls, n);
    case "integer":
    case "date":
      expect(type.id === "date" ? Type.Date : Type.Int, type.id === "date" ? "DateDay" : "Int32", type.id === "date" ? undefined : 32);
      return new Column(type, Int32Array.from((data.values as Int32Array).subarray(off, off + n)), nulls, n);
    case "bigint":
      expect(Type.Int, "Int64", 64);
      return new Column(type, BigInt64Array.from((data.values as BigInt64Array).subarray(off, off + n)), nulls, n);
    case "real":
    case "double":
    case "time":
    case "timestamp":
    case "timestamptz":
      expect(Type.Float, "Float64", 64);
      return new Column(type, Float64Array.from((data.values as Float64Array).subarray(off, off + n)), nulls, n);
    case "text":
    case "varchar":
    case "char":
      return stringsFromArrow(type, data, n, nulls, (s) => s);
    case "numeric":
      return stringsFromArrow(type, data, n, nulls, (s) => Decimal.parse(s));
    case "bytea":
      return bytesFromArrow(type, data, n, nulls, (b) => Uint8Array.from(b));
    case "jsonb":
      return bytesFromArrow(type, data, n, nulls, (b) => new Jsonb(decodeJsonTree(b)));
    case "interval": {
      expect(Type.Struct, "Struct");
      const [m, d, u] = data.children;
      const months = m.values as Int32Array;
      const days = d.values as Int32Array;
      const micros = u.values as Float64Array;
      const out = new Array<unknown>(n).fill(null);
      for (let i = 0; i < n; i++) {
        if (nulls !== null && nulls[i] === 1) continue;
        out[i] = new Interval(months[m.offset + off + i], days[d.offset + off + i], micros[u.offset + off + i]);
      }
      return new Column(type, out, nulls, n);
    }
    case "vector": {
      expect(Type.List, "List");
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0];
      const flat = child.values as Float32Array;
      const out = new Array<unknown>(n).fill(null);
      for (let i = 0; i < n; i++) {
        if (nulls !== null && nulls[i] === 1) continue;
        out[i] = flat.slice(child.offset + offsets[off + i], child.offset + offsets[off + i + 1]);
      }
      return new Column(type, out, nulls, n);
    }
    default:
      if (kind !== "object") throw frameError(`unsupported type ${type.id}`);
      return bytesFromArrow(type, data, n, nulls, (b) => decodeState(b));
  }
}

function stringsFromArrow(type: DataType, data: Data, n: number, nulls: Uint8Array | null, value: (s: string) => unknown): Column {
  if (data.typeId !== Type.Utf8) throw frameError(`column of type ${type.id} arrived as Arrow ${String(data.type)}, expected Utf8`);
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Buffer & StringSlices;
  const off = data.offset;
  const out = new Array<unknown>(n);
  // all-ASCII text (checked natively, at once) reads as latin1, which skips UTF-8 decoding
  const ascii = isAscii(buf);
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) out[i] = null;
    else out[i] = value(ascii ? buf.latin1Slice(offsets[off + i], offsets[off + i + 1]) : buf.utf8Slice(offsets[off + i], offsets[off + i + 1]));
  }
  return new Column(type, out, nulls, n);
}

function bytesFromArrow(type: DataType, data: Data, n: number, nulls: Uint8Array | null, value: (b: Uint8Array) => unknown): Column {
  if (data.typeId !== Type.Binary) throw frameError(`column of type ${type.id} arrived as Arrow ${String(data.type)}, expected Binary`);
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const off = data.offset;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    out[i] = nulls !== null && nulls[i] === 1 ? null : value(bytes.subarray(offsets[off + i], offsets[off + i + 1]));
  }
  return new Column(type, out, nulls, n);
}

// ---- jsonb trees, exactly: numbers stay numbers, Decimals stay Decimals (with their scale),
// objects keep their null prototype and key order ----

const J_NULL = 0;
const J_FALSE = 1;
const J_TRUE = 2;
const J_NUMBER = 3;
const J_DECIMAL = 4;
const J_STRING = 5;
const J_ARRAY = 6;
const J_OBJECT = 7;

function encodeJsonTree(value: unknown): Uint8Array {
  const parts: (Uint8Array | number)[] = [];
  const str = (s: string) => {
    const b = Buffer.from(s, "utf8");
    parts.push(b.length, b);
  };
  const walk = (v: unknown): void => {
    if (v === null) parts.push(-J_NULL - 1);
    else if (v === false) parts.push(-J_FALSE - 1);
    else if (v === true) parts.push(-J_TRUE - 1);
    else if (typeof v === "number") {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, true);
      parts.push(-J_NUMBER - 1, b);
    } else if (v instanceof Decimal) {
      parts.push(-J_DECIMAL - 1);
      str(v.toString());
    } else if (typeof v === "string") {
      parts.push(-J_STRING - 1);
      str(v);
    } else if (Array.isArray(v)) {
      parts.push(-J_ARRAY - 1, v.length);
      for (const x of v) walk(x);
    } else if (typeof v === "object") {
      const keys = Object.keys(v);
      parts.push(-J_OBJECT - 1, keys.length);
      for (const k of keys) {
        str(k);
        walk((v as Record<string, unknown>)[k]);
      }
    } else throw frameError(`jsonb holds a ${typeof v}`);
  };
  walk(value);
  // tags are bytes, counts and lengths uint32, the rest raw bytes
  let size = 0;
  for (const p of parts) size += typeof p === "number" ? (p < 0 ? 1 : 4) : p.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let pos = 0;
  for (const p of parts) {
    if (typeof p !== "number") {
      out.set(p, pos);
      pos += p.length;
    } else if (p < 0) out[pos++] = -p - 1;
    else {
      dv.setUint32(pos, p, true);
      pos += 4;
    }
  }
  return out;
}

function decodeJsonTree(bytes: Uint8Array): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const u32 = () => {
    if (pos + 4 > bytes.length) throw frameError("truncated jsonb");
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const str = () => {
    const len = u32();
    if (pos + len > bytes.length) throw frameError("truncated jsonb");
    const s = buf.toString("utf8", pos, pos + len);
    pos += len;
    return s;
  };
  const walk = (): unknown => {
    const tag = bytes[pos++];
    switch (tag) {
      case J_NULL:
        return null;
      case J_FALSE:
        return false;
      case J_TRUE:
        return true;
      case J_NUMBER: {
        if (pos + 8 > bytes.length) throw frameError("truncated jsonb");
        const v = dv.getFloat64(pos, true);
        pos += 8;
        return v;
      }
      case J_DECIMAL:
        return Decimal.parse(str());
      case J_STRING:
        return str();
      case J_ARRAY: {
        const n = u32();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(walk());
        return out;
      }
      case J_OBJECT: {
        const n = u32();
        const out = Object.create(null) as Record<string, unknown>;
        for (let i = 0; i < n; i++) {
          const k = str();
          out[k] = walk();
        }
        return out;
      }
      default:
        throw frameError(`bad jsonb tag ${tag}`);
    }
  };
  return walk();
}

/**
 * What the protocol writes exchange frames with (ClusterOptions.codec): the same header either way,
 * chunks as Arrow IPC (production) or in the state codec (the simulation's default).
 */
export interface ExchangeFrameCodec {
  encode(header: FrameHeader, payload: FramePayload): Uint8Array;
  decode(frame: Uint8Array): ExchangeFrame;
}

export const arrowFrameCodec: ExchangeFrameCodec = {
  encode: (header, payload) => encodeFrame(header, payload, "arrow"),
  decode: decodeFrame,
};

export const stateFrameCodec: ExchangeFrameCodec = {
  encode: (header, payload) => encodeFrame(header, payload, "state"),
  decode: decodeFrame,
};
