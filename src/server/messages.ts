// Backend messages of protocol 3.0, each built as one Buffer (type byte, int32 length, body).

export interface FieldDescription {
  name: string;
  /** OID of the table the column comes from, 0 if none */
  tableOid: number;
  /** its attribute number in that table, 0 if none */
  columnAttr: number;
  typeOid: number;
  /** pg_type.typlen: -1 for variable length */
  typeSize: number;
  typeModifier: number;
  /** 0 text, 1 binary */
  format: number;
}

/** ErrorResponse / NoticeResponse fields (the letters of the protocol's field codes). */
export interface ErrorFields {
  /** localized severity: ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG */
  severity: string;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  /** 1-based character position in the query string */
  position?: number;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
}

/** Builds one message body; `finish(type)` frames it. */
class MessageBuilder {
  private buf: Buffer;
  private pos = 5;

  constructor(capacity = 64) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 16));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
    return this;
  }

  cstring(s: string): this {
    const n = Buffer.byteLength(s);
    this.ensure(n + 1);
    this.buf.write(s, this.pos, "utf8");
    this.pos += n;
    this.buf[this.pos++] = 0;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  finish(type: string): Buffer {
    this.buf[0] = type.charCodeAt(0);
    this.buf.writeInt32BE(this.pos - 1, 1);
    return this.buf.subarray(0, this.pos);
  }
}

function empty(type: string): Buffer {
  return new MessageBuilder(8).finish(type);
}

// ---- authentication ---------------------------------------------------------------------------

export function authenticationOk(): Buffer {
  return new MessageBuilder().int32(0).finish("R");
}

export function authenticationCleartextPassword(): Buffer {
  return new MessageBuilder().int32(3).finish("R");
}

export function authenticationMD5Password(salt: Uint8Array): Buffer {
  return new MessageBuilder().int32(5).bytes(salt).finish("R");
}

export function authenticationSASL(mechanisms: readonly string[]): Buffer {
  const b = new MessageBuilder().int32(10);
  for (const m of mechanisms) b.cstring(m);
  return b.byte(0).finish("R");
}

export function authenticationSASLContinue(data: string): Buffer {
  return new MessageBuilder().int32(11).bytes(Buffer.from(data, "utf8")).finish("R");
}

export function authenticationSASLFinal(data: string): Buffer {
  return new MessageBuilder().int32(12).bytes(Buffer.from(data, "utf8")).finish("R");
}

// ---- session state ----------------------------------------------------------------------------

export function parameterStatus(name: string, value: string): Buffer {
  return new MessageBuilder().cstring(name).cstring(value).finish("S");
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  return new MessageBuilder().int32(processId).int32(secretKey).finish("K");
}

export function readyForQuery(status: "I" | "T" | "E"): Buffer {
  return new MessageBuilder().byte(status.charCodeAt(0)).finish("Z");
}

/** The server speaks protocol 3.0 only: a client asking for a newer minor version or `_pq_` options gets this. */
export function negotiateProtocolVersion(minorVersion: number, unrecognized: readonly string[]): Buffer {
  const b = new MessageBuilder().int32(minorVersion).int32(unrecognized.length);
  for (const o of unrecognized) b.cstring(o);
  return b.finish("v");
}

// ---- query results ----------------------------------------------------------------------------

export function rowDescription(fields: readonly FieldDescription[]): Buffer {
  const b = new MessageBuilder(8 + fields.length * 32).int16(fields.length);
  for (const f of fields) {
    b.cstring(f.name).int32(f.tableOid).int16(f.columnAttr).int32(f.typeOid).int16(f.typeSize).int32(f.typeModifier).int16(f.format);
  }
  return b.finish("T");
}

/** One row; each value already encoded in its column's format (null for SQL NULL). */
export function dataRow(values: readonly (Uint8Array | null)[]): Buffer {
  let size = 8;
  for (const v of values) size += 4 + (v ? v.length : 0);
  const b = new MessageBuilder(size).int16(values.length);
  for (const v of values) {
    if (v === null) b.int32(-1);
    else b.int32(v.length).bytes(v);
  }
  return b.finish("D");
}

export function commandComplete(tag: string): Buffer {
  return new MessageBuilder().cstring(tag).finish("C");
}

export function emptyQueryResponse(): Buffer {
  return empty("I");
}

export function parseComplete(): Buffer {
  return empty("1");
}

export function bindComplete(): Buffer {
  return empty("2");
}

export function closeComplete(): Buffer {
  return empty("3");
}

export function noData(): Buffer {
  return empty("n");
}

export function portalSuspended(): Buffer {
  return empty("s");
}

export function parameterDescription(typeOids: readonly number[]): Buffer {
  const b = new MessageBuilder(8 + typeOids.length * 4).int16(typeOids.length);
  for (const o of typeOids) b.int32(o);
  return b.finish("t");
}

// ---- errors and notices -----------------------------------------------------------------------

function fieldsMessage(type: string, f: ErrorFields): Buffer {
  const b = new MessageBuilder(128);
  const field = (code: string, value: string | undefined) => {
    if (value !== undefined && value !== "") b.byte(code.charCodeAt(0)).cstring(value);
  };
  field("S", f.severity);
  field("V", f.severity);
  field("C", f.code);
  field("M", f.message);
  field("D", f.detail);
  field("H", f.hint);
  if (f.position !== undefined && f.position > 0) field("P", String(f.position));
  field("W", f.where);
  field("s", f.schema);
  field("t", f.table);
  field("c", f.column);
  field("n", f.constraint);
  field("R", f.routine);
  return b.byte(0).finish(type);
}

export function errorResponse(f: ErrorFields): Buffer {
  return fieldsMessage("E", f);
}

export function noticeResponse(f: ErrorFields): Buffer {
  return fieldsMessage("N", f);
}

// ---- COPY -------------------------------------------------------------------------------------

function copyResponse(type: string, binary: boolean, columns: number): Buffer {
  const b = new MessageBuilder().byte(binary ? 1 : 0).int16(columns);
  for (let i = 0; i < columns; i++) b.int16(binary ? 1 : 0);
  return b.finish(type);
}

export function copyInResponse(binary: boolean, columns: number): Buffer {
  return copyResponse("G", binary, columns);
}

export function copyOutResponse(binary: boolean, columns: number): Buffer {
  return copyResponse("H", binary, columns);
}

export function copyData(data: Uint8Array): Buffer {
  return new MessageBuilder(data.length + 8).bytes(data).finish("d");
}

export function copyDone(): Buffer {
  return empty("c");
}
