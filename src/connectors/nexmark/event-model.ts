// The Nexmark event model, after nexmark-rs (the generator RisingWave's `nexmark` source runs):
//
// - Events are numbered n = 0, 1, 2, ...; `n % 50` picks the kind: 0 → person, 1..3 → auction,
//   4..49 → bid (proportions 1 : 3 : 46).
// - Ids are arithmetic in n: the person of event n is `n / 50`, the auction is
//   `3 * (n / 50) + (n % 50) - 1`, offset by the first ids (1000 and 1000).
// - Each event's randomness comes from its own `SmallRng::seed_from_u64(n)` (Xoshiro256++, see
//   xoshiro256pp.ts), so any event can be generated on its own: an offset is an event number.
// - Event time is `base_time + round(n * inter_event_delay)` in milliseconds, from the configured
//   rate, independent of the wall clock.
// - Bids go to a hot auction (the first of the last 100) with probability 1 - 1/hot_auction_ratio,
//   else to one of the last `in_flight_auctions` auctions (or up to `auction_id_lead` ahead);
//   bidders and sellers likewise favour hot people.
//
// Generation is columnar: `NexmarkEventGenerator.generate` fills typed arrays for the wanted fields
// only, skipping the random draws of trailing fields nobody asked for. The draws run on the
// WebAssembly SmallRng kernel (small-rng-wasm.ts) where available.
//
// Where we differ from nexmark-rs: event times are computed in double precision (nexmark-rs uses
// f32, which loses precision past 2^24 events); 10^x in `gen_price` is not glibc's powf, which
// rounds some near-ties the other way (about 1 price in 7000 differs by one cent); only the
// constant rate (no sine/square rate shapes, no out-of-order groups, one generator).

import { createSmallRng } from "../small-rng-wasm.js";
import { Xoshiro256PlusPlus, type SmallRng } from "../xoshiro256pp.js";

export type NexmarkTable = "person" | "auction" | "bid";

export const NEXMARK_TABLES: readonly NexmarkTable[] = ["person", "auction", "bid"];

export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const PROPORTION_DENOMINATOR = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;

/** Kind of a field as produced: bigint ids/prices, timestamps (µs), text. */
export type NexmarkFieldKind = "bigint" | "timestamp" | "text";

export interface NexmarkField {
  readonly name: string;
  readonly kind: NexmarkFieldKind;
}

function fields(spec: string): NexmarkField[] {
  return spec.split(" ").map((s) => {
    const [name, kind] = s.split(":");
    return { name, kind: kind as NexmarkFieldKind };
  });
}

/** RisingWave's nexmark schemas (column names and order). */
export const NEXMARK_SCHEMAS: Readonly<Record<NexmarkTable, readonly NexmarkField[]>> = {
  person: fields(
    "id:bigint name:text email_address:text credit_card:text city:text state:text date_time:timestamp extra:text",
  ),
  auction: fields(
    "id:bigint item_name:text description:text initial_bid:bigint reserve:bigint date_time:timestamp " +
      "expires:timestamp seller:bigint category:bigint extra:text",
  ),
  bid: fields("auction:bigint bidder:bigint price:bigint channel:text url:text date_time:timestamp extra:text"),
};

/** 2015-07-15 00:00:00 UTC, the base time RisingWave gives nexmark-rs for a single-table source. */
export const DEFAULT_BASE_TIME_MS = 1_436_918_400_000;

export interface NexmarkModel {
  activePeople: number;
  inFlightAuctions: number;
  avgPersonByteSize: number;
  avgAuctionByteSize: number;
  avgBidByteSize: number;
  hotSellerRatio: number;
  hotAuctionRatio: number;
  hotBidderRatio: number;
  hotChannelRatio: number;
  numCategories: number;
  auctionIdLead: number;
  personIdLead: number;
  firstPersonId: number;
  firstAuctionId: number;
  firstCategoryId: number;
  /** event time of event 0, ms since the epoch */
  baseTimeMs: number;
  /** event-time spacing between consecutive events, µs (1e6 / rate) */
  interEventDelayUs: number;
  /** added (mod 2^64) to the event id before seeding each event's generator; 0 = nexmark-rs exactly */
  seed: bigint;
}

export const DEFAULT_NEXMARK_MODEL: Readonly<NexmarkModel> = {
  activePeople: 1000,
  inFlightAuctions: 100,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotSellerRatio: 4,
  hotAuctionRatio: 2,
  hotBidderRatio: 4,
  hotChannelRatio: 2,
  numCategories: 5,
  auctionIdLead: 10,
  personIdLead: 10,
  firstPersonId: 1000,
  firstAuctionId: 1000,
  firstCategoryId: 10,
  baseTimeMs: DEFAULT_BASE_TIME_MS,
  interEventDelayUs: 100, // 10 000 events/s, nexmark-rs's default rate
  seed: 0n,
};

/** Fraction of people/auctions that may be hot: the first of each batch of 100. */
const HOT_BATCH = 100;

const US_STATES = "az,ca,id,or,wa,wy".split(",");
const US_CITIES = "phoenix,los angeles,san francisco,boise,portland,bend,redmond,seattle,kent,cheyenne".split(",");
const FIRST_NAMES = "peter,paul,luke,john,saul,vicky,kate,julie,sarah,deiter,walter".split(",");
const LAST_NAMES = "shultz,abrams,spencer,white,bartels,walton,smith,jones,noris".split(",");
const HOT_CHANNELS = "Google,Facebook,Baidu,Apple".split(",");
const CHANNEL_COUNT = 10_000;

// ---- event arithmetic --------------------------------------------------------------------------

/** The residue range [lo, hi) of `n % 50` that belongs to a table. */
export function tableResidues(table: NexmarkTable): [number, number] {
  switch (table) {
    case "person":
      return [0, PERSON_PROPORTION];
    case "auction":
      return [PERSON_PROPORTION, PERSON_PROPORTION + AUCTION_PROPORTION];
    case "bid":
      return [PERSON_PROPORTION + AUCTION_PROPORTION, PROPORTION_DENOMINATOR];
  }
}

export function eventTable(n: number): NexmarkTable {
  const r = n % PROPORTION_DENOMINATOR;
  return r < PERSON_PROPORTION ? "person" : r < PERSON_PROPORTION + AUCTION_PROPORTION ? "auction" : "bid";
}

/** How many events of `table` have numbers below `n`. */
export function tableEventsBefore(table: NexmarkTable, n: number): number {
  const [lo, hi] = tableResidues(table);
  const w = hi - lo;
  const epoch = Math.floor(n / PROPORTION_DENOMINATOR);
  const r = n - epoch * PROPORTION_DENOMINATOR;
  return epoch * w + Math.min(Math.max(r - lo, 0), w);
}

/** The event number of the k-th (0-based) event of `table`. */
export function tableEventNumber(table: NexmarkTable, k: number): number {
  const [lo, hi] = tableResidues(table);
  const w = hi - lo;
  const epoch = Math.floor(k / w);
  return epoch * PROPORTION_DENOMINATOR + lo + (k - epoch * w);
}

/** The last person id (base 0) as of event n: the current one if n is a person event. */
export function lastPersonId(n: number): number {
  return Math.floor(n / PROPORTION_DENOMINATOR);
}

/** The last auction id (base 0) as of event n: the current one if n is an auction event. */
export function lastAuctionId(n: number): number {
  let epoch = Math.floor(n / PROPORTION_DENOMINATOR);
  let offset = n - epoch * PROPORTION_DENOMINATOR;
  if (offset < PERSON_PROPORTION) {
    epoch -= 1;
    offset = AUCTION_PROPORTION - 1;
  } else if (PERSON_PROPORTION + AUCTION_PROPORTION <= offset) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

/** Event time of event n in ms since the epoch. */
export function eventTimeMs(m: NexmarkModel, n: number): number {
  return m.baseTimeMs + Math.round((n * m.interEventDelayUs) / 1000);
}

// ---- fixed tables (independent of the seed, as in nexmark-rs) ---------------------------------

function delimitedString(rng: Xoshiro256PlusPlus, max: number): string {
  const len = 3 + rng.rangeU64(max - 3);
  let s = "";
  for (let i = 0; i < len; i++) s += rng.rangeU32(13) === 0 ? "_" : String.fromCharCode(rng.letter());
  return s;
}

/** nexmark-rs's `get_base_url(seed)`. */
export function baseUrl(seed: number): string {
  const rng = new Xoshiro256PlusPlus(0, seed);
  const a = delimitedString(rng, 5);
  const b = delimitedString(rng, 5);
  const c = delimitedString(rng, 5);
  return `https://www.nexmark.com/${a}/${b}/${c}/item.htm?query=1`;
}

function reverseBits32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) | 0;
}

let channelTable: { channels: string[]; urls: string[] } | null = null;

/** The 10 000 (channel, url) pairs of the cold channels, built once. */
export function coldChannels(): { channels: string[]; urls: string[] } {
  if (channelTable !== null) return channelTable;
  const channels = new Array<string>(CHANNEL_COUNT);
  const urls = new Array<string>(CHANNEL_COUNT);
  const rng = new Xoshiro256PlusPlus();
  for (let i = 0; i < CHANNEL_COUNT; i++) {
    let url = baseUrl(i);
    rng.seedFromU64(0, i);
    if (rng.rangeU32(10) > 0) url += `&channel_id=${Math.abs(reverseBits32(i))}`;
    channels[i] = `channel-${i}`;
    urls[i] = url;
  }
  channelTable = { channels, urls };
  return channelTable;
}

let hotUrlTable: string[] | null = null;
function hotUrls(): string[] {
  if (hotUrlTable === null) hotUrlTable = [0, 1, 2, 3].map(baseUrl);
  return hotUrlTable;
}

const FULL_NAMES: string[][] = FIRST_NAMES.map((f) => LAST_NAMES.map((l) => `${f} ${l}`));

// ---- batch generation --------------------------------------------------------------------------

export type NexmarkColumnData = BigInt64Array | Float64Array | string[];

export interface NexmarkBatch {
  /** rows produced (events of the table) */
  readonly rows: number;
  /** the event number after the last event looked at: the offset to continue from */
  readonly nextEvent: number;
  /** one entry per schema field, in schema order; null where the field was not wanted */
  readonly columns: (NexmarkColumnData | null)[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A BigInt64Array written through 32-bit word views (no BigInt per value). */
class Int64Writer {
  readonly data: BigInt64Array;
  private readonly words: Int32Array;
  constructor(n: number) {
    this.data = new BigInt64Array(n);
    this.words = new Int32Array(this.data.buffer);
  }
  /** value must be an integer in [0, 2^53) */
  set(i: number, v: number): void {
    if (LITTLE_ENDIAN) {
      this.words[2 * i] = v >>> 0; // low word (stored mod 2^32)
      if (v >= 4294967296) this.words[2 * i + 1] = Math.floor(v / 4294967296);
    } else {
      this.data[i] = BigInt(v);
    }
  }
}

const PAD4: string[] = Array.from({ length: 10000 }, (_, i) => String(i).padStart(4, "0"));

/** The generator state shared across batches of one source. */
export class NexmarkEventGenerator {
  private readonly seedHi: number;
  private readonly seedLo: number;
  private readonly eventsForAuctions: number;

  /** `rng`: the SmallRng implementation (default: the WebAssembly kernel where available) */
  constructor(
    readonly model: NexmarkModel,
    private readonly rng: SmallRng = createSmallRng(),
  ) {
    const s = BigInt.asUintN(64, model.seed);
    this.seedHi = Number(s >> 32n);
    this.seedLo = Number(s & 0xffffffffn);
    this.eventsForAuctions = Math.floor((model.inFlightAuctions * PROPORTION_DENOMINATOR) / AUCTION_PROPORTION);
  }

  /** Seeds the generator for event id n: `SmallRng::seed_from_u64(n + seed offset)`. */
  private seedEvent(n: number): void {
    const lo = (n >>> 0) + this.seedLo;
    const hi = Math.floor(n / 4294967296) + this.seedHi + (lo >= 4294967296 ? 1 : 0);
    this.rng.seedFromU64(hi >>> 0, lo >>> 0);
  }

  /**
   * `gen_price`: round(10^(u·6) · 100) in f32 arithmetic. 10^x is computed in double and rounded
   * to f32 (correctly rounded but for a double-rounding near-tie); glibc's powf is not correctly
   * rounded at near-ties, so about 1 draw in 7000 differs from nexmark-rs on Linux by one cent.
   */
  private price(): number {
    const x = Math.fround(this.rng.nextF32() * 6);
    return Math.round(Math.fround(Math.fround(Math.exp(x * Math.LN10)) * 100));
  }

  /** `gen_next_extra`'s length for a row of `currentSize` bytes (advances the generator). */
  private extraLength(currentSize: number, avg: number): number {
    if (currentSize > avg) return 0;
    const desired = avg - currentSize;
    const delta = Math.floor((desired + 2) / 5);
    const min = desired - delta;
    return min + (delta === 0 ? 0 : this.rng.rangeU64(2 * delta));
  }

  private letters(n: number): string {
    const buf = this.rng.reserveScratch(n);
    this.rng.letters(0, n);
    return buf.toString("latin1", 0, n);
  }

  private nextPersonId(n: number): number {
    const people = lastPersonId(n) + 1;
    const active = Math.min(people, this.model.activePeople);
    return people - active + this.rng.rangeU64(active + this.model.personIdLead);
  }

  private nextAuctionId(n: number): number {
    const max = lastAuctionId(n);
    const min = max < this.model.inFlightAuctions ? 0 : max - this.model.inFlightAuctions;
    return min + this.rng.rangeU64(max - min + 1 + this.model.auctionIdLead);
  }

  /**
   * Generates the events of `table` among event numbers [from, end), at most `maxRows` of them.
   * `want[i]` says whether schema field i is materialized.
   */
  generate(table: NexmarkTable, from: number, end: number, maxRows: number, want: readonly boolean[]): NexmarkBatch {
    const available =
      end <= from ? 0 : end === Infinity ? Infinity : tableEventsBefore(table, end) - tableEventsBefore(table, from);
    const rows = Math.max(0, Math.min(available, maxRows));
    if (rows === 0) {
      return { rows: 0, nextEvent: from, columns: want.map(() => null) };
    }
    const first = tableEventNumber(table, tableEventsBefore(table, from));
    const last = tableEventNumber(table, tableEventsBefore(table, from) + rows - 1);
    let columns: (NexmarkColumnData | null)[];
    switch (table) {
      case "person":
        columns = this.persons(first, rows, want);
        break;
      case "auction":
        columns = this.auctions(first, rows, want);
        break;
      case "bid":
        columns = this.bids(first, rows, want);
        break;
    }
    return { rows, nextEvent: last + 1, columns };
  }

  private persons(first: number, rows: number, want: readonly boolean[]): (NexmarkColumnData | null)[] {
    const m = this.model;
    const rng = this.rng;
    const [wId, wName, wEmail, wCard, wCity, wState, wTime, wExtra] = want;
    const id = wId ? new Int64Writer(rows) : null;
    const name = wName ? new Array<string>(rows) : null;
    const email = wEmail ? new Array<string>(rows) : null;
    const card = wCard ? new Array<string>(rows) : null;
    const city = wCity ? new Array<string>(rows) : null;
    const state = wState ? new Array<string>(rows) : null;
    const time = wTime ? new Float64Array(rows) : null;
    const extra = wExtra ? new Array<string>(rows) : null;
    // the last random field wanted: 0 none, 1 name, 2 email, 3 card, 4 city, 5 state, 6 extra
    const depth = wExtra ? 6 : wState ? 5 : wCity ? 4 : wCard ? 3 : wEmail ? 2 : wName ? 1 : 0;
    const buf = rng.reserveScratch(32);
    let n = first;
    for (let k = 0; k < rows; k++, n += PROPORTION_DENOMINATOR) {
      if (id) id.set(k, lastPersonId(n) + m.firstPersonId);
      if (time) time[k] = eventTimeMs(m, n) * 1000;
      if (depth === 0) continue;
      this.seedEvent(n);
      const fi = rng.rangeU32(FIRST_NAMES.length);
      const li = rng.rangeU32(LAST_NAMES.length);
      if (name) name[k] = FULL_NAMES[fi][li];
      if (depth === 1) continue;
      rng.letters(0, 7);
      buf[7] = 64; // '@'
      rng.letters(8, 5);
      if (email) email[k] = buf.toString("latin1", 0, 13) + ".com";
      if (depth === 2) continue;
      const c0 = rng.rangeU32(10000), c1 = rng.rangeU32(10000), c2 = rng.rangeU32(10000), c3 = rng.rangeU32(10000);
      if (card) card[k] = `${PAD4[c0]} ${PAD4[c1]} ${PAD4[c2]} ${PAD4[c3]}`;
      if (depth === 3) continue;
      const ci = US_CITIES[rng.rangeU32(US_CITIES.length)];
      if (city) city[k] = ci;
      if (depth === 4) continue;
      const st = US_STATES[rng.rangeU32(US_STATES.length)];
      if (state) state[k] = st;
      if (depth === 5) continue;
      // 8 (id) + name + email (17) + credit card (19) + city + state
      const size = 8 + FIRST_NAMES[fi].length + 1 + LAST_NAMES[li].length + 17 + 19 + ci.length + st.length;
      extra![k] = this.letters(this.extraLength(size, m.avgPersonByteSize));
    }
    return [id?.data ?? null, name, email, card, city, state, time, extra];
  }

  private auctions(first: number, rows: number, want: readonly boolean[]): (NexmarkColumnData | null)[] {
    const m = this.model;
    const rng = this.rng;
    const [wId, wItem, wDesc, wInitial, wReserve, wTime, wExpires, wSeller, wCategory, wExtra] = want;
    const id = wId ? new Int64Writer(rows) : null;
    const item = wItem ? new Array<string>(rows) : null;
    const desc = wDesc ? new Array<string>(rows) : null;
    const initial = wInitial ? new Int64Writer(rows) : null;
    const reserve = wReserve ? new Int64Writer(rows) : null;
    const time = wTime ? new Float64Array(rows) : null;
    const expires = wExpires ? new Float64Array(rows) : null;
    const seller = wSeller ? new Int64Writer(rows) : null;
    const category = wCategory ? new Int64Writer(rows) : null;
    const extra = wExtra ? new Array<string>(rows) : null;
    // the last random field wanted: 0 none, 1 item, 2 desc, 3 prices, 4 expires, 5 seller, 6 category, 7 extra
    const depth = wExtra
      ? 7
      : wCategory
        ? 6
        : wSeller
          ? 5
          : wExpires
            ? 4
            : wInitial || wReserve
              ? 3
              : wDesc
                ? 2
                : wItem
                  ? 1
                  : 0;
    const lead = m.firstAuctionId;
    let n = first;
    let r = n % PROPORTION_DENOMINATOR;
    for (let k = 0; k < rows; k++) {
      if (id) id.set(k, lastAuctionId(n) + lead);
      const t = eventTimeMs(m, n);
      if (time) time[k] = t * 1000;
      if (depth > 0) {
        this.seedEvent(n);
        if (item) item[k] = this.letters(20);
        else rng.letters(0, 20);
        if (depth > 1) {
          if (desc) desc[k] = this.letters(100);
          else rng.letters(0, 100);
        }
        if (depth > 2) {
          const ib = this.price();
          const rs = ib + this.price();
          if (initial) initial.set(k, ib);
          if (reserve) reserve.set(k, rs);
        }
        if (depth > 3) {
          const horizon = eventTimeMs(m, n + this.eventsForAuctions) - t;
          const length = 1 + rng.rangeU64(Math.max(horizon * 2, 1));
          if (expires) expires[k] = (t + length) * 1000;
        }
        if (depth > 4) {
          const s =
            rng.rangeU64(m.hotSellerRatio) > 0
              ? Math.floor(lastPersonId(n) / HOT_BATCH) * HOT_BATCH
              : this.nextPersonId(n);
          if (seller) seller.set(k, s + m.firstPersonId);
        }
        if (depth > 5) {
          const c = m.firstCategoryId + rng.rangeU64(m.numCategories);
          if (category) category.set(k, c);
        }
        if (depth > 6) {
          // 8 (id) + item name (20) + description (100) + 5 × 8 (numbers and times)
          extra![k] = this.letters(this.extraLength(168, m.avgAuctionByteSize));
        }
      }
      n++;
      r++;
      if (r === PERSON_PROPORTION + AUCTION_PROPORTION) {
        n += PROPORTION_DENOMINATOR - AUCTION_PROPORTION;
        r = PERSON_PROPORTION;
      }
    }
    return [
      id?.data ?? null,
      item,
      desc,
      initial?.data ?? null,
      reserve?.data ?? null,
      time,
      expires,
      seller?.data ?? null,
      category?.data ?? null,
      extra,
    ];
  }

  private bids(first: number, rows: number, want: readonly boolean[]): (NexmarkColumnData | null)[] {
    const m = this.model;
    const rng = this.rng;
    const [wAuction, wBidder, wPrice, wChannel, wUrl, wTime, wExtra] = want;
    const auction = wAuction ? new Int64Writer(rows) : null;
    const bidder = wBidder ? new Int64Writer(rows) : null;
    const price = wPrice ? new Int64Writer(rows) : null;
    const channel = wChannel ? new Array<string>(rows) : null;
    const url = wUrl ? new Array<string>(rows) : null;
    const time = wTime ? new Float64Array(rows) : null;
    const extra = wExtra ? new Array<string>(rows) : null;
    // the last random field wanted: 0 none, 1 auction, 2 bidder, 3 price, 4 channel/url, 5 extra
    const depth = wExtra ? 5 : wChannel || wUrl ? 4 : wPrice ? 3 : wBidder ? 2 : wAuction ? 1 : 0;
    const cold = depth >= 4 ? coldChannels() : null;
    const hot = hotUrls();
    const hotAuctionRatio = m.hotAuctionRatio;
    const hotBidderRatio = m.hotBidderRatio;
    const hotChannelRatio = m.hotChannelRatio;
    const extraSizeAvg = m.avgBidByteSize;
    const firstAuctionId = m.firstAuctionId;
    const firstPersonId = m.firstPersonId;
    const lo = PERSON_PROPORTION + AUCTION_PROPORTION;
    let n = first;
    let r = n % PROPORTION_DENOMINATOR;
    for (let k = 0; k < rows; k++) {
      if (time) time[k] = eventTimeMs(m, n) * 1000;
      if (depth > 0) {
        this.seedEvent(n);
        const a =
          rng.rangeU64(hotAuctionRatio) > 0
            ? Math.floor(lastAuctionId(n) / HOT_BATCH) * HOT_BATCH
            : this.nextAuctionId(n);
        if (auction) auction.set(k, a + firstAuctionId);
        if (depth > 1) {
          const b =
            rng.rangeU64(hotBidderRatio) > 0
              ? Math.floor(lastPersonId(n) / HOT_BATCH) * HOT_BATCH + 1
              : this.nextPersonId(n);
          if (bidder) bidder.set(k, b + firstPersonId);
        }
        if (depth > 2) {
          if (price) price.set(k, this.price());
          else rng.nextU32();
        }
        if (depth > 3) {
          if (rng.rangeU64(hotChannelRatio) > 0) {
            const i = rng.rangeU64(HOT_CHANNELS.length);
            if (channel) channel[k] = HOT_CHANNELS[i];
            if (url) url[k] = hot[i];
          } else {
            const i = rng.rangeU32(CHANNEL_COUNT);
            if (channel) channel[k] = cold!.channels[i];
            if (url) url[k] = cold!.urls[i];
          }
        }
        if (depth > 4) {
          // auction, bidder, price, date_time: 4 × 8
          extra![k] = this.letters(this.extraLength(32, extraSizeAvg));
        }
      }
      n++;
      r++;
      if (r === PROPORTION_DENOMINATOR) {
        n += lo;
        r = lo;
      }
    }
    return [auction?.data ?? null, bidder?.data ?? null, price?.data ?? null, channel, url, time, extra];
  }
}
