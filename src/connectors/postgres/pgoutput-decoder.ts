// Decoding the messages of Postgres's built-in logical decoding plugin, pgoutput (protocol
// version 1), as carried in the XLogData of a logical replication stream. Column values stay in
// Postgres's text form: the source parses them with the mirror table's declared types, the same
// parser COPY and the wire protocol use. A value an UPDATE left unchanged and stored out of line
// (TOAST) is not sent: it decodes as UNCHANGED, and the source keeps the value it has.

export const UNCHANGED: unique symbol = Symbol("unchanged TOAST value");
export type TupleValue = string | null | typeof UNCHANGED;

export interface RelationMessage {
  tag: "relation";
  relid: number;
  schema: string;
  name: string;
  /** d(efault: primary key), n(othing), f(ull), i(ndex) */
  replicaIdentity: string;
  columns: { name: string; key: boolean; typeOid: number }[];
}

export type PgOutputMessage =
  | { tag: "begin"; finalLsn: bigint; xid: number }
  | { tag: "commit"; commitLsn: bigint; endLsn: bigint }
  | RelationMessage
  | { tag: "insert"; relid: number; row: TupleValue[] }
  | { tag: "update"; relid: number; old: TupleValue[] | null; row: TupleValue[] }
  | { tag: "delete"; relid: number; old: TupleValue[] }
  | { tag: "truncate"; relids: number[] }
  | { tag: "other"; code: string };

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  u8(): number {
    return this.buf.readUInt8(this.pos++);
  }
  i16(): number {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u32(): number {
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    const s = this.buf.toString("utf8", this.pos, end);
    this.pos = end + 1;
    return s;
  }
  text(len: number): string {
    const s = this.buf.toString("utf8", this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  tuple(): TupleValue[] {
    const n = this.i16();
    const out: TupleValue[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const kind = String.fromCharCode(this.u8());
      if (kind === "n") out[i] = null;
      else if (kind === "u") out[i] = UNCHANGED;
      else if (kind === "t") out[i] = this.text(this.i32());
      else throw new Error(`pgoutput: unknown tuple value kind '${kind}'`);
    }
    return out;
  }
}

export function decodePgOutput(buf: Buffer): PgOutputMessage {
  const r = new Reader(buf);
  const code = String.fromCharCode(r.u8());
  switch (code) {
    case "B": {
      const finalLsn = r.u64();
      r.u64(); // commit time
      return { tag: "begin", finalLsn, xid: r.u32() };
    }
    case "C": {
      r.u8(); // flags
      const commitLsn = r.u64();
      return { tag: "commit", commitLsn, endLsn: r.u64() };
    }
    case "R": {
      const relid = r.u32();
      const schema = r.cstring();
      const name = r.cstring();
      const replicaIdentity = String.fromCharCode(r.u8());
      const n = r.i16();
      const columns = [];
      for (let i = 0; i < n; i++) {
        const flags = r.u8();
        const col = r.cstring();
        const typeOid = r.u32();
        r.i32(); // typmod
        columns.push({ name: col, key: (flags & 1) === 1, typeOid });
      }
      return { tag: "relation", relid, schema, name, replicaIdentity, columns };
    }
    case "I": {
      const relid = r.u32();
      r.u8(); // 'N'
      return { tag: "insert", relid, row: r.tuple() };
    }
    case "U": {
      const relid = r.u32();
      let kind = String.fromCharCode(r.u8());
      let old: TupleValue[] | null = null;
      if (kind === "K" || kind === "O") {
        old = r.tuple();
        kind = String.fromCharCode(r.u8());
      }
      return { tag: "update", relid, old, row: r.tuple() };
    }
    case "D": {
      const relid = r.u32();
      r.u8(); // 'K' or 'O'
      return { tag: "delete", relid, old: r.tuple() };
    }
    case "T": {
      const n = r.i32();
      r.u8(); // options (CASCADE, RESTART IDENTITY)
      const relids: number[] = [];
      for (let i = 0; i < n; i++) relids.push(r.u32());
      return { tag: "truncate", relids };
    }
    default:
      // 'O'rigin, 'Y'pe, 'M'essage: nothing a mirror needs
      return { tag: "other", code };
  }
}

/** An LSN in Postgres's text form (X/Y) and back. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split("/");
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}
