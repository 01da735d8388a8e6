// `connector = 'nexmark'`: one table (person, auction or bid) of the Nexmark event stream, as
// RisingWave's nexmark source with `nexmark.table.type`. Events are numbered over all three kinds;
// the source yields only its table's events, and its offset is the next event number, so seeking
// is just setting that number (every event is generated from its own number alone).
//
// Options ('.' and '_' interchangeable after the prefix, so RisingWave's spellings work too):
//   nexmark.table (nexmark.table.type)   'person' | 'auction' | 'bid' — required
//   nexmark.events_per_second            the pace, in events of all kinds per second (default
//                                        10000; 0 = as fast as possible). The source's
//                                        rowsPerSecond is this times the table's share (1/50,
//                                        3/50, 46/50), so event time keeps up with the wall clock.
//   nexmark.first_event_rate             event-time rate if it should differ from the pace
//                                        (default: events_per_second, or 10000 when that is 0)
//   nexmark.min_event_gap_in_ns          RisingWave's pacing option: events_per_second = 1e9 / gap
//   nexmark.max_events (nexmark.event.num) events counted over all kinds, as nexmark does; the
//                                        source is exhausted when the event number reaches it
//   nexmark.seed                         0 (default) = nexmark-rs's exact sequence
//   nexmark.base_time                    event time of event 0: ms since the epoch, or a timestamp
//                                        (default 2015-07-15 00:00:00 UTC, as RisingWave)
//   model knobs, as nexmark-rs: active_people, in_flight_auctions, avg_{person,auction,bid}_byte_size,
//   hot_{seller,auction,bidder,channel}_ratio, num_categories, auction_id_lead, person_id_lead,
//   first_{person,auction,category}_id
//   accepted and ignored: nexmark.split_num, nexmark.max_chunk_size

import {
  Chunk,
  Column,
  SqlError,
  SqlState,
  Types,
  parseValue,
  typeName,
  type DataType,
} from "../../types/index.js";
import { ConnectorOptions, invalidOption } from "../connector-options.js";
import type { GeneratorSource, SourceColumn } from "../generator-source.js";
import {
  DEFAULT_NEXMARK_MODEL,
  NEXMARK_SCHEMAS,
  NEXMARK_TABLES,
  NexmarkEventGenerator,
  PROPORTION_DENOMINATOR,
  tableEventsBefore,
  tableResidues,
  type NexmarkFieldKind,
  type NexmarkModel,
  type NexmarkTable,
} from "./event-model.js";

const DEFAULT_EVENTS_PER_SECOND = 10_000;
/** the most rows one `next()` returns, whatever it is asked for */
const MAX_CHUNK_ROWS = 1 << 20;

export interface NexmarkSettings {
  table: NexmarkTable;
  model: NexmarkModel;
  /** events of all kinds per second (0 = unthrottled) */
  eventsPerSecond: number;
  /** exclusive upper bound on event numbers */
  maxEvents: number;
}

/** Reads and validates the nexmark.* options. */
export function readNexmarkOptions(options: Record<string, string>): NexmarkSettings {
  const o = new ConnectorOptions(options);
  const table = o.choice(["nexmark.table", "nexmark.table_type"], NEXMARK_TABLES, undefined);
  const gap = o.optionalNumber("nexmark.min_event_gap_in_ns", { min: 0 });
  let eventsPerSecond = o.number("nexmark.events_per_second", NaN, { min: 0, integer: false });
  if (Number.isNaN(eventsPerSecond)) {
    eventsPerSecond = gap === undefined ? DEFAULT_EVENTS_PER_SECOND : gap === 0 ? 0 : 1e9 / gap;
  }
  const rate = o.number("nexmark.first_event_rate", eventsPerSecond > 0 ? eventsPerSecond : DEFAULT_EVENTS_PER_SECOND, {
    min: Number.MIN_VALUE,
    integer: false,
  });
  const maxEvents = o.number(["nexmark.max_events", "nexmark.event_num"], Infinity, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  });
  const d = DEFAULT_NEXMARK_MODEL;
  const int = (name: string, fallback: number, min: number) => o.number(`nexmark.${name}`, fallback, { min });
  const userSeed = o.seed("nexmark.seed", 0n);
  const model: NexmarkModel = {
    activePeople: int("active_people", d.activePeople, 1),
    inFlightAuctions: int("in_flight_auctions", d.inFlightAuctions, 0),
    avgPersonByteSize: int("avg_person_byte_size", d.avgPersonByteSize, 0),
    avgAuctionByteSize: int("avg_auction_byte_size", d.avgAuctionByteSize, 0),
    avgBidByteSize: int("avg_bid_byte_size", d.avgBidByteSize, 0),
    hotSellerRatio: int("hot_seller_ratio", d.hotSellerRatio, 1),
    hotAuctionRatio: int("hot_auction_ratio", d.hotAuctionRatio, 1),
    hotBidderRatio: int("hot_bidder_ratio", d.hotBidderRatio, 1),
    hotChannelRatio: int("hot_channel_ratio", d.hotChannelRatio, 1),
    numCategories: int("num_categories", d.numCategories, 1),
    auctionIdLead: int("auction_id_lead", d.auctionIdLead, 0),
    personIdLead: int("person_id_lead", d.personIdLead, 0),
    firstPersonId: int("first_person_id", d.firstPersonId, 0),
    firstAuctionId: int("first_auction_id", d.firstAuctionId, 0),
    firstCategoryId: int("first_category_id", d.firstCategoryId, 0),
    baseTimeMs: readBaseTime(o),
    interEventDelayUs: 1e6 / rate,
    seed: nexmarkSeedOffset(userSeed),
  };
  if (model.avgAuctionByteSize > 1_000_000 || model.avgBidByteSize > 1_000_000 || model.avgPersonByteSize > 1_000_000) {
    throw new SqlError(SqlState.InvalidParameterValue, "nexmark average byte sizes must be at most 1000000");
  }
  o.number("nexmark.split_num", 1, { min: 1 });
  o.number("nexmark.max_chunk_size", 1024, { min: 1 });
  const unused = o.unused("nexmark.");
  if (unused.length > 0) {
    throw new SqlError(SqlState.InvalidParameterValue, `unrecognized nexmark option "${unused[0]}"`, {
      hint:
        "Known options: nexmark.table, nexmark.events_per_second, nexmark.max_events, nexmark.seed, " +
        "nexmark.base_time, nexmark.first_event_rate, nexmark.min_event_gap_in_ns, and the model knobs " +
        "(active_people, in_flight_auctions, avg_*_byte_size, hot_*_ratio, num_categories, *_id_lead, first_*_id).",
    });
  }
  return { table, model, eventsPerSecond, maxEvents };
}

function readBaseTime(o: ConnectorOptions): number {
  const r = o.raw("nexmark.base_time");
  if (r === undefined) return DEFAULT_NEXMARK_MODEL.baseTimeMs;
  const t = r.value.trim();
  if (/^\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  try {
    const us = parseValue(Types.timestamp, t) as number;
    if (Number.isFinite(us)) return Math.floor(us / 1000);
  } catch {
    // fall through
  }
  throw invalidOption(r.name, r.value, "milliseconds since 1970-01-01 UTC, or a timestamp");
}

/** Seed 0 is nexmark-rs's own sequence; another seed moves every event's generator seed far away. */
export function nexmarkSeedOffset(seed: bigint): bigint {
  return seed === 0n ? 0n : BigInt.asUintN(64, BigInt.asUintN(64, seed) * 0x9e3779b97f4a7c15n);
}

const KIND_TYPES: Record<NexmarkFieldKind, readonly string[]> = {
  bigint: ["bigint"],
  text: ["text", "varchar"],
  timestamp: ["timestamp", "timestamptz"],
};

const KIND_NAMES: Record<NexmarkFieldKind, string> = {
  bigint: "bigint",
  text: "varchar (or text)",
  timestamp: "timestamp",
};

/** Maps declared columns to schema fields: index of each declared column's field. */
export function bindNexmarkColumns(table: NexmarkTable, columns: readonly SourceColumn[]): number[] {
  const schema = NEXMARK_SCHEMAS[table];
  return columns.map((c) => {
    const name = c.name.toLowerCase();
    const i = schema.findIndex((f) => f.name === name);
    if (i < 0) {
      throw new SqlError(
        SqlState.InvalidTableDefinition,
        `column "${c.name}" is not produced by the nexmark ${table} source`,
        { hint: `The ${table} columns are: ${schema.map((f) => `${f.name} ${KIND_NAMES[f.kind]}`).join(", ")}.` },
      );
    }
    const f = schema[i];
    const ok = KIND_TYPES[f.kind].includes(c.type.id) && !(c.type.id === "varchar" && c.type.length !== undefined);
    if (!ok) {
      throw new SqlError(
        SqlState.DatatypeMismatch,
        `column "${c.name}" of the nexmark ${table} source must be ${KIND_NAMES[f.kind]}, not ${typeName(c.type)}`,
      );
    }
    return i;
  });
}

function defaultType(kind: NexmarkFieldKind): DataType {
  return kind === "bigint" ? Types.bigint : kind === "timestamp" ? Types.timestamp : Types.varchar;
}

export class NexmarkSource implements GeneratorSource {
  readonly columns: SourceColumn[];
  readonly rowsPerSecond: number;
  readonly settings: NexmarkSettings;
  private readonly generator: NexmarkEventGenerator;
  private readonly fieldOf: number[];
  private readonly want: boolean[];
  private nextEvent = 0;

  constructor(options: Record<string, string>, columns: readonly SourceColumn[]) {
    this.settings = readNexmarkOptions(options);
    const { table } = this.settings;
    const schema = NEXMARK_SCHEMAS[table];
    this.columns =
      columns.length > 0 ? columns.map((c) => ({ ...c })) : schema.map((f) => ({ name: f.name, type: defaultType(f.kind) }));
    this.fieldOf = bindNexmarkColumns(table, this.columns);
    this.want = schema.map((_, i) => this.fieldOf.includes(i));
    this.generator = new NexmarkEventGenerator(this.settings.model);
    const [lo, hi] = tableResidues(table);
    this.rowsPerSecond = (this.settings.eventsPerSecond * (hi - lo)) / PROPORTION_DENOMINATOR;
  }

  next(maxRows: number): Chunk | null {
    const { table, maxEvents } = this.settings;
    const end = maxEvents;
    if (end !== Infinity && tableEventsBefore(table, end) - tableEventsBefore(table, Math.min(this.nextEvent, end)) <= 0) {
      return null;
    }
    const rows = Math.max(0, Math.min(Math.floor(maxRows), MAX_CHUNK_ROWS)) || 0;
    const batch = this.generator.generate(table, this.nextEvent, end, rows, this.want);
    this.nextEvent = batch.nextEvent;
    const cols = this.columns.map((c, j) => new Column(c.type, batch.columns[this.fieldOf[j]]!, null, batch.rows));
    return new Chunk(cols, batch.rows);
  }

  offset(): { event: number } {
    return { event: this.nextEvent };
  }

  seek(offset: unknown): void {
    const e = (offset as { event?: unknown } | null)?.event;
    if (typeof e !== "number" || !Number.isSafeInteger(e) || e < 0) {
      throw new SqlError(SqlState.InvalidParameterValue, `invalid nexmark source offset: ${JSON.stringify(offset)}`);
    }
    this.nextEvent = e;
  }
}

/**
 * The rows of `table` among events [fromEvent, fromEvent + count), in schema order, as scalar
 * values (bigint ids and prices, µs timestamps, strings): for feeding the same events to another
 * engine in tests. `options` are the source's WITH options (nexmark.table is not needed).
 */
export function nexmarkEventsToRows(
  table: NexmarkTable,
  fromEvent: number,
  count: number,
  options: Record<string, string> = {},
): unknown[][] {
  const settings = readNexmarkOptions({ ...options, "nexmark.table": table });
  const schema = NEXMARK_SCHEMAS[table];
  const gen = new NexmarkEventGenerator(settings.model);
  const batch = gen.generate(table, fromEvent, fromEvent + count, Infinity, schema.map(() => true));
  const rows: unknown[][] = [];
  for (let i = 0; i < batch.rows; i++) rows.push(batch.columns.map((c) => c![i]));
  return rows;
}
