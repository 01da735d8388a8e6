// `connector = 'datagen'`: per-column generators, after RisingWave's datagen connector.
//
//   fields.<col>.kind = 'random' (default) | 'sequence'
//   sequence (numbers; text gets the number's decimal text):
//     fields.<col>.start (default 0), fields.<col>.end (default 32767, inclusive). The source is
//     exhausted once any sequence column passes its end (so a sequence bounds the source).
//   random numbers (smallint, integer, bigint: inclusive; real, double, numeric: [min, max)):
//     fields.<col>.min (default 0), fields.<col>.max (default 32767)
//   random text (varchar, text): fields.<col>.length (default 10, or n for varchar(n) below
//     10), letters and digits
//   random boolean: no options
//   random timestamp, timestamptz, date: values in [base - max_past, base] (dates: whole days,
//     from the base's day back floor(max_past / 1 day) days)
//     fields.<col>.max_past (an interval, default '1 day')
//     fields.<col>.max_past_mode = 'absolute' (default: base = the source's creation time, kept in
//       the offset so recovery reproduces the rows) | 'relative' (base = the wall clock when the
//       chunk is generated: not reproducible, by design)
//     fields.<col>.basetime (a timestamp: a fixed base; overrides max_past_mode)
//   fields.<col>.seed: the column's seed (default: derived from datagen.seed and the column's
//     position, so columns differ); the same seed gives the same values.
//   datagen.rows.per.second (default 10, as RisingWave; 0 = as fast as possible)
//   datagen.max_rows (optional bound on rows), datagen.seed (default 0)
//   accepted and ignored: datagen.split.num
//
// Row r of every column is a pure function of (column seed, r), so the offset is the row number
// (plus the absolute base times), and a chunk is filled column by column in typed-array loops.

import {
  Chunk,
  Column,
  Decimal,
  Interval,
  SqlError,
  SqlState,
  Types,
  isSqlError,
  parseValue,
  typeName,
  type DataType,
} from "../../types/index.js";
import { ConnectorOptions, invalidOption, parseNumberOption } from "../connector-options.js";
import type { GeneratorSource, SourceColumn } from "../generator-source.js";
import { draw32, mix32, rowKey, seed64, unit53, type Seed64 } from "./counter-random.js";

const USECS_PER_DAY = 86_400_000_000;
const DEFAULT_ROWS_PER_SECOND = 10;
/** the most rows one `next()` returns, whatever it is asked for */
const MAX_CHUNK_ROWS = 1 << 20;
const DEFAULT_MIN = 0;
const DEFAULT_MAX = 32767;
const DEFAULT_LENGTH = 10;
const DEFAULT_MAX_PAST = "1 day";
const ALPHANUMERIC = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "latin1");

type FieldKind = "random" | "sequence";

/** One column's generator. */
interface FieldGenerator {
  /** rows it can produce (a sequence ends; random columns never do) */
  readonly limit: number;
  /** the fixed base time (µs) of an absolute timestamp column, part of the offset */
  baseUs?: number;
  fill(from: number, n: number): Column;
}

/** Parameters a column's options may set, by (type class, kind). */
type TypeClass = "number" | "text" | "boolean" | "temporal";

const PARAMS: Record<TypeClass, Record<FieldKind, readonly string[]>> = {
  number: { random: ["min", "max", "seed"], sequence: ["start", "end", "seed"] },
  text: { random: ["length", "seed"], sequence: ["start", "end", "seed"] },
  boolean: { random: ["seed"], sequence: [] },
  temporal: { random: ["max_past", "max_past_mode", "basetime", "seed"], sequence: [] },
};

function typeClass(t: DataType): TypeClass | null {
  switch (t.id) {
    case "smallint":
    case "integer":
    case "bigint":
    case "real":
    case "double":
    case "numeric":
      return "number";
    case "text":
    case "varchar":
      return "text";
    case "boolean":
      return "boolean";
    case "timestamp":
    case "timestamptz":
    case "date":
      return "temporal";
    default:
      return null;
  }
}

/** The options of one column: param → [option name as written, value]. */
type FieldOptions = Map<string, [string, string]>;

function collectFieldOptions(options: Record<string, string>, columns: readonly SourceColumn[]): FieldOptions[] {
  const out = columns.map(() => new Map<string, [string, string]>());
  for (const [key, value] of Object.entries(options)) {
    const k = key.trim().toLowerCase();
    if (!k.startsWith("fields.")) continue;
    const dot = k.lastIndexOf(".");
    const col = k.slice("fields.".length, dot);
    const param = k.slice(dot + 1);
    if (dot <= "fields.".length || col === "") {
      throw new SqlError(SqlState.InvalidParameterValue, `invalid datagen option "${key}"`, {
        hint: "Column options are written fields.<column>.<parameter>.",
      });
    }
    const i = columns.findIndex((c) => c.name.toLowerCase() === col);
    if (i < 0) {
      throw new SqlError(SqlState.InvalidParameterValue, `option "${key}" names no column of the stream`, {
        hint: `The columns are: ${columns.map((c) => c.name).join(", ")}.`,
      });
    }
    out[i].set(param, [key, String(value)]);
  }
  return out;
}

function parseTyped(type: DataType, name: string, value: string): unknown {
  try {
    return parseValue(type, value);
  } catch (e) {
    if (isSqlError(e)) throw invalidOption(name, value, `a value of type ${typeName(type)} (${e.message})`);
    throw e;
  }
}

/** Reads the option `param` as a value of `type`, or the default (given as text). */
function typedOption(fo: FieldOptions, param: string, type: DataType, fallback: string): unknown {
  const e = fo.get(param);
  return e === undefined ? parseValue(type, fallback) : parseTyped(type, e[0], e[1]);
}

const TWO32 = 4294967296;

/** Writes safe integers into a BigInt64Array through its 32-bit words (no BigInt per value). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bigintColumn(type: DataType, values: (i: number) => number, n: number): Column {
  const data = new BigInt64Array(n);
  if (LITTLE_ENDIAN) {
    const w = new Int32Array(data.buffer);
    for (let i = 0; i < n; i++) {
      const v = values(i);
      w[2 * i] = v >>> 0;
      w[2 * i + 1] = Math.floor(v / TWO32);
    }
  } else {
    for (let i = 0; i < n; i++) data[i] = BigInt(values(i));
  }
  return new Column(type, data, null, n);
}

function toBig(v: unknown): bigint {
  return typeof v === "bigint" ? v : BigInt(v as number);
}

function numberGenerator(type: DataType, kind: FieldKind, fo: FieldOptions, seed: Seed64): FieldGenerator {
  if (kind === "sequence") {
    const startE = fo.get("start");
    const endE = fo.get("end");
    if (type.id === "numeric") {
      const start = typedOption(fo, "start", type, "0") as Decimal;
      const end = typedOption(fo, "end", type, String(DEFAULT_MAX)) as Decimal;
      checkOrder(start.cmp(end) <= 0, startE, endE);
      const limit = Number(end.sub(start).floor().toString()) + 1;
      return {
        limit,
        fill(from, n) {
          const out = new Array<unknown>(n);
          for (let i = 0; i < n; i++) out[i] = start.add(Decimal.fromNumber(from + i));
          return new Column(type, out, null, n);
        },
      };
    }
    if (type.id === "bigint") {
      const start = toBig(typedOption(fo, "start", type, "0"));
      const end = toBig(typedOption(fo, "end", type, String(DEFAULT_MAX)));
      checkOrder(start <= end, startE, endE);
      const span = end - start + 1n;
      const limit = span > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(span);
      const safe = start >= BigInt(Number.MIN_SAFE_INTEGER) && end <= BigInt(Number.MAX_SAFE_INTEGER);
      const s = Number(start);
      return {
        limit,
        fill(from, n) {
          if (safe) return bigintColumn(type, (i) => s + from + i, n);
          const data = new BigInt64Array(n);
          for (let i = 0; i < n; i++) data[i] = start + BigInt(from + i);
          return new Column(type, data, null, n);
        },
      };
    }
    const start = typedOption(fo, "start", type, "0") as number;
    const end = typedOption(fo, "end", type, String(DEFAULT_MAX)) as number;
    checkOrder(start <= end, startE, endE);
    const limit = Math.floor(end - start) + 1;
    if (type.id === "smallint" || type.id === "integer") {
      return {
        limit,
        fill(from, n) {
          const data = new Int32Array(n);
          for (let i = 0; i < n; i++) data[i] = start + from + i;
          return new Column(type, data, null, n);
        },
      };
    }
    const real = type.id === "real";
    return {
      limit,
      fill(from, n) {
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = real ? Math.fround(start + from + i) : start + from + i;
        return new Column(type, data, null, n);
      },
    };
  }

  const minE = fo.get("min");
  const maxE = fo.get("max");
  if (type.id === "numeric") {
    const min = typedOption(fo, "min", type, String(DEFAULT_MIN)) as Decimal;
    const max = typedOption(fo, "max", type, String(DEFAULT_MAX)) as Decimal;
    checkOrder(min.cmp(max) <= 0, minE, maxE);
    const lo = Number(min.toString());
    const width = Number(max.toString()) - lo;
    const scale = type.scale;
    return {
      limit: Infinity,
      fill(from, n) {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const d = Decimal.fromFloat(lo + unit53(rowKey(seed, from + i), 0) * width);
          out[i] = scale === undefined ? d : d.round(scale);
        }
        return new Column(type, out, null, n);
      },
    };
  }
  if (type.id === "bigint") {
    const min = toBig(typedOption(fo, "min", type, String(DEFAULT_MIN)));
    const max = toBig(typedOption(fo, "max", type, String(DEFAULT_MAX)));
    checkOrder(min <= max, minE, maxE);
    const range = max - min + 1n;
    if (range <= 2n ** 52n && min >= BigInt(Number.MIN_SAFE_INTEGER) && max <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const lo = Number(min);
      const r = Number(range);
      return {
        limit: Infinity,
        fill: (from, n) => bigintColumn(type, (i) => lo + Math.min(Math.floor(unit53(rowKey(seed, from + i), 0) * r), r - 1), n),
      };
    }
    return {
      limit: Infinity,
      fill(from, n) {
        const data = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
          const key = rowKey(seed, from + i);
          const u = (BigInt(draw32(key, 0)) << 32n) | BigInt(draw32(key, 1));
          data[i] = min + ((u * range) >> 64n);
        }
        return new Column(type, data, null, n);
      },
    };
  }
  const min = typedOption(fo, "min", type, String(DEFAULT_MIN)) as number;
  const max = typedOption(fo, "max", type, String(DEFAULT_MAX)) as number;
  checkOrder(min <= max, minE, maxE);
  if (type.id === "smallint" || type.id === "integer") {
    const r = max - min + 1;
    return {
      limit: Infinity,
      fill(from, n) {
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = min + Math.min(Math.floor(unit53(rowKey(seed, from + i), 0) * r), r - 1);
        return new Column(type, data, null, n);
      },
    };
  }
  const real = type.id === "real";
  const width = max - min;
  return {
    limit: Infinity,
    fill(from, n) {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = min + unit53(rowKey(seed, from + i), 0) * width;
        data[i] = real ? Math.fround(v) : v;
      }
      return new Column(type, data, null, n);
    },
  };
}

function checkOrder(ok: boolean, lowE: [string, string] | undefined, highE: [string, string] | undefined): void {
  if (ok) return;
  const e = lowE ?? highE!;
  throw new SqlError(
    SqlState.InvalidParameterValue,
    `invalid value for option "${e[0]}": "${e[1]}"`,
    { hint: "The lower bound (start, min) must not be greater than the upper bound (end, max)." },
  );
}

function textGenerator(type: DataType, kind: FieldKind, fo: FieldOptions, seed: Seed64): FieldGenerator {
  if (kind === "sequence") {
    const start = typedOption(fo, "start", Types.bigint, "0") as bigint;
    const end = typedOption(fo, "end", Types.bigint, String(DEFAULT_MAX)) as bigint;
    checkOrder(start <= end, fo.get("start"), fo.get("end"));
    const span = end - start + 1n;
    return {
      limit: span > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(span),
      fill(from, n) {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = String(start + BigInt(from + i));
        return new Column(type, out, null, n);
      },
    };
  }
  const e = fo.get("length");
  const limit = type.id === "varchar" && type.length !== undefined ? type.length : Infinity;
  const length = e === undefined ? Math.min(DEFAULT_LENGTH, limit) : parseNumberOption(e[0], e[1], { min: 0, max: 1_000_000 });
  if (e !== undefined && length > limit) {
    throw invalidOption(e[0], e[1], `a length of at most ${limit} for ${typeName(type)}`);
  }
  const buf = Buffer.alloc(Math.max(1, length));
  return {
    limit: Infinity,
    fill(from, n) {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const key = rowKey(seed, from + i);
        for (let j = 0; j < length; j++) buf[j] = ALPHANUMERIC[Math.floor(draw32(key, j) * (62 / TWO32))];
        out[i] = buf.toString("latin1", 0, length);
      }
      return new Column(type, out, null, n);
    },
  };
}

function booleanGenerator(type: DataType, seed: Seed64): FieldGenerator {
  return {
    limit: Infinity,
    fill(from, n) {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = draw32(rowKey(seed, from + i), 0) >>> 31;
      return new Column(type, data, null, n);
    },
  };
}

function temporalGenerator(type: DataType, fo: FieldOptions, seed: Seed64, createdUs: number): FieldGenerator {
  const pastE = fo.get("max_past");
  let maxPastUs: number;
  try {
    maxPastUs = Interval.parse(pastE?.[1] ?? DEFAULT_MAX_PAST).spanMicros();
  } catch (err) {
    if (isSqlError(err)) throw invalidOption(pastE![0], pastE![1], "an interval, such as '2 hours 37 minutes'");
    throw err;
  }
  if (!(maxPastUs >= 0)) throw invalidOption(pastE![0], pastE![1], "a non-negative interval");
  const modeE = fo.get("max_past_mode");
  const mode = (modeE?.[1] ?? "absolute").trim().toLowerCase();
  if (mode !== "absolute" && mode !== "relative") throw invalidOption(modeE![0], modeE![1], "'absolute' or 'relative'");
  const baseE = fo.get("basetime");
  let relative = mode === "relative";
  let baseUs = createdUs;
  if (baseE !== undefined) {
    const parsed = parseTyped(type.id === "timestamptz" ? Types.timestamptz : Types.timestamp, baseE[0], baseE[1]);
    baseUs = parsed as number;
    relative = false;
  }
  const date = type.id === "date";
  const span = maxPastUs + 1;
  const gen: FieldGenerator = {
    limit: Infinity,
    baseUs: relative ? undefined : baseUs,
    fill(from, n) {
      const base = relative ? Date.now() * 1000 : gen.baseUs!;
      if (date) {
        // whole days: [base day - floor(max_past / 1 day), base day]
        const baseDay = Math.floor(base / USECS_PER_DAY);
        const days = Math.floor(maxPastUs / USECS_PER_DAY) + 1;
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          data[i] = baseDay - Math.min(Math.floor(unit53(rowKey(seed, from + i), 0) * days), days - 1);
        }
        return new Column(type, data, null, n);
      }
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        data[i] = base - Math.min(Math.floor(unit53(rowKey(seed, from + i), 0) * span), maxPastUs);
      }
      return new Column(type, data, null, n);
    },
  };
  return gen;
}

interface DatagenOffset {
  row: number;
  /** base times (µs) of absolute timestamp columns, by column position */
  bases?: (number | null)[];
}

export class DatagenSource implements GeneratorSource {
  readonly columns: SourceColumn[];
  readonly rowsPerSecond: number;
  /** rows the source produces in all (Infinity when unbounded) */
  readonly totalRows: number;
  private readonly fields: FieldGenerator[];
  private row = 0;

  constructor(options: Record<string, string>, columns: readonly SourceColumn[], now: () => number = Date.now) {
    if (columns.length === 0) {
      throw new SqlError(SqlState.InvalidTableDefinition, "a datagen source needs at least one column");
    }
    this.columns = columns.map((c) => ({ ...c }));
    const o = new ConnectorOptions(options);
    this.rowsPerSecond = o.number("datagen.rows_per_second", DEFAULT_ROWS_PER_SECOND, { min: 0, integer: false });
    const maxRows = o.number("datagen.max_rows", Infinity, { min: 0, max: Number.MAX_SAFE_INTEGER });
    const baseSeed = o.seed("datagen.seed", 0n);
    o.number("datagen.split_num", 1, { min: 1 });
    const unused = o.unused("datagen.");
    if (unused.length > 0) {
      throw new SqlError(SqlState.InvalidParameterValue, `unrecognized datagen option "${unused[0]}"`, {
        hint: "Known options: datagen.rows.per.second, datagen.max_rows, datagen.seed, and fields.<column>.<parameter>.",
      });
    }
    const fieldOptions = collectFieldOptions(options, this.columns);
    const createdUs = now() * 1000;
    this.fields = this.columns.map((c, i) => {
      const fo = fieldOptions[i];
      const cls = typeClass(c.type);
      if (cls === null) {
        throw new SqlError(
          SqlState.FeatureNotSupported,
          `datagen cannot generate column "${c.name}" of type ${typeName(c.type)}`,
          {
            hint: "datagen generates smallint, integer, bigint, real, double precision, numeric, varchar, text, boolean, timestamp, timestamptz and date.",
          },
        );
      }
      const kindE = fo.get("kind");
      const kind = (kindE?.[1] ?? "random").trim().toLowerCase();
      if (kind !== "random" && kind !== "sequence") throw invalidOption(kindE![0], kindE![1], "'random' or 'sequence'");
      const allowed = PARAMS[cls][kind];
      if (kind === "sequence" && allowed.length === 0) {
        throw invalidOption(kindE![0], kindE![1], `'random' (a sequence is for numbers and text, not ${typeName(c.type)})`);
      }
      for (const [param, [name]] of fo) {
        if (param !== "kind" && !allowed.includes(param)) {
          throw new SqlError(
            SqlState.InvalidParameterValue,
            `option "${name}" does not apply to ${kind} column "${c.name}" of type ${typeName(c.type)}`,
            { hint: `Parameters for it: kind${allowed.map((p) => `, ${p}`).join("")}.` },
          );
        }
      }
      const seedE = fo.get("seed");
      let seed: Seed64;
      if (seedE !== undefined) {
        const t = seedE[1].trim();
        if (!/^[+-]?\d+$/.test(t)) throw invalidOption(seedE[0], seedE[1], "an integer");
        seed = seed64(BigInt(t));
      } else {
        const b = seed64(baseSeed);
        seed = { hi: mix32(b.hi ^ 0x2545f491), lo: mix32((b.lo + Math.imul(i + 1, 0x9e3779b9)) | 0) };
      }
      switch (cls) {
        case "number":
          return numberGenerator(c.type, kind, fo, seed);
        case "text":
          return textGenerator(c.type, kind, fo, seed);
        case "boolean":
          return booleanGenerator(c.type, seed);
        case "temporal":
          return temporalGenerator(c.type, fo, seed, createdUs);
      }
    });
    this.totalRows = Math.min(maxRows, ...this.fields.map((f) => f.limit));
  }

  next(maxRows: number): Chunk | null {
    const left = this.totalRows - this.row;
    if (left <= 0) return null;
    const n = Math.max(0, Math.min(Math.floor(maxRows), left, MAX_CHUNK_ROWS)) || 0;
    const from = this.row;
    const cols = this.fields.map((f) => f.fill(from, n));
    this.row += n;
    return new Chunk(cols, n);
  }

  offset(): DatagenOffset {
    const bases = this.fields.map((f) => f.baseUs ?? null);
    return bases.some((b) => b !== null) ? { row: this.row, bases } : { row: this.row };
  }

  seek(offset: unknown): void {
    const o = offset as Partial<DatagenOffset> | null;
    const row = o?.row;
    const bases = o?.bases;
    const badBases =
      bases !== undefined &&
      (!Array.isArray(bases) ||
        bases.length !== this.fields.length ||
        bases.some((b) => b !== null && typeof b !== "number"));
    if (typeof row !== "number" || !Number.isSafeInteger(row) || row < 0 || badBases) {
      throw new SqlError(SqlState.InvalidParameterValue, `invalid datagen source offset: ${JSON.stringify(offset)}`);
    }
    this.row = row;
    if (bases !== undefined) {
      bases.forEach((b, i) => {
        if (b !== null && this.fields[i].baseUs !== undefined) this.fields[i].baseUs = b;
      });
    }
  }
}
