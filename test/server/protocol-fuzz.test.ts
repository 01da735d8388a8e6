// Protocol fuzzing against a live server: thousands of connections send valid frontend messages
// (built with pg-protocol's serializer) that are truncated, re-lengthed, bit-flipped, spliced or
// replaced by noise, in random fragments. Meanwhile a well-behaved client keeps querying and
// must get every answer right; afterwards no session may be left behind. Seeded, so a failure
// replays.

import { connect } from "node:net";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, sleep, type TestServer } from "./fixture.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FRONTEND_SAMPLES: (() => Buffer)[] = [
  () => serialize.query("SELECT 1"),
  () => serialize.query("SELECT * FROM fuzz WHERE id = 1; SELECT 'x'"),
  () => serialize.parse({ name: "s", text: "SELECT $1::int + $2", types: [23, 23] }),
  () => serialize.parse({ text: "SELECT * FROM fuzz WHERE id = $1" }),
  () => serialize.bind({ statement: "s", values: ["1", "2"] }),
  () => serialize.bind({ portal: "p", values: ["1", null, Buffer.from([1, 2, 3])], binary: true }),
  () => serialize.describe({ type: "S", name: "s" }),
  () => serialize.describe({ type: "P", name: "" }),
  () => serialize.execute({ portal: "", rows: 1 }),
  () => serialize.close({ type: "P", name: "p" }),
  () => serialize.sync(),
  () => serialize.flush(),
  () => serialize.copyData(Buffer.from("1\tx\n")),
  () => serialize.copyDone(),
  () => serialize.copyFail("fuzz"),
  () => serialize.query("COPY fuzz FROM STDIN"),
  () => serialize.password("pw"),
  () => serialize.sendSASLInitialResponseMessage("SCRAM-SHA-256", "n,,n=*,r=abc"),
];

function mutate(msg: Buffer, r: () => number): Buffer {
  const b = Buffer.from(msg);
  const pick = Math.floor(r() * 8);
  const int = () => Math.floor(r() * 2 ** 32) | 0;
  switch (pick) {
    case 0: // truncate
      return b.subarray(0, Math.floor(r() * b.length));
    case 1: // random length field
      if (b.length >= 5) b.writeInt32BE([int(), -1, 0, 3, 0x7fffffff, 0x40000000, b.length + 100][Math.floor(r() * 7)], 1);
      return b;
    case 2: // flip bytes
      for (let i = 0; i < 1 + r() * 4; i++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
      return b;
    case 3: // random type byte
      b[0] = Math.floor(r() * 256);
      return b;
    case 4: // noise after a valid message
      return Buffer.concat([b, Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256)))]);
    case 5: // pure noise
      return Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
    case 6: // shorter declared length (body split into two messages)
      if (b.length > 6) b.writeInt32BE(Math.max(4, Math.floor(r() * (b.length - 1))), 1);
      return b;
    default: // valid
      return b;
  }
}

function fuzzStartup(r: () => number): Buffer {
  const startup = serialize.startup({ user: "sage", database: "sage" });
  const choice = Math.floor(r() * 10);
  if (choice < 6) return startup; // valid: the fuzzing happens after it
  if (choice === 6) return mutate(startup, r);
  if (choice === 7) return serialize.requestSsl();
  if (choice === 8) {
    const b = Buffer.from(startup);
    b.writeInt32BE([2 << 16, (3 << 16) | 7, 0, -1][Math.floor(r() * 4)], 4);
    return b;
  }
  return serialize.cancel(Math.floor(r() * 100000), Math.floor(r() * 2 ** 31));
}

/** One fuzzing connection: writes the bytes in random fragments, reads for a short while, hangs up. */
function fuzzConnection(port: number, r: () => number): Promise<Buffer> {
  const parts: Buffer[] = [fuzzStartup(r)];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) parts.push(mutate(FRONTEND_SAMPLES[Math.floor(r() * FRONTEND_SAMPLES.length)](), r));
  const data = Buffer.concat(parts);
  const cuts: number[] = [];
  for (let p = 0; p < data.length; ) {
    const step = 1 + Math.floor(r() * 64);
    cuts.push(Math.min(step, data.length - p));
    p += step;
  }
  const hangUpAfter = 20 + Math.floor(r() * 80);
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    const s = connect(port, "127.0.0.1");
    s.on("data", (d) => got.push(d));
    s.on("error", () => {});
    s.on("close", () => resolve(Buffer.concat(got)));
    s.on("connect", () => {
      let offset = 0;
      for (const c of cuts) {
        s.write(data.subarray(offset, offset + c));
        offset += c;
      }
      // hang up after a short while; a server slow to answer (a loaded machine) gets up to a
      // second to say something first, so the count of refusals does not depend on the load
      setTimeout(() => {
        if (got.length > 0) s.destroy();
        else {
          s.once("data", () => setTimeout(() => s.destroy(), 10));
          setTimeout(() => s.destroy(), 1000);
        }
      }, hangUpAfter);
    });
  });
}

/** The FATAL SQLSTATEs in a backend byte stream (ErrorResponse messages with severity FATAL). */
function fatalCodes(bytes: Buffer): string[] {
  const codes: string[] = [];
  let p = bytes[0] === 0x4e || bytes[0] === 0x53 ? 1 : 0; // an 'N'/'S' answer to SSLRequest
  while (p + 5 <= bytes.length) {
    const type = bytes[p];
    const len = bytes.readInt32BE(p + 1);
    if (len < 4 || p + 1 + len > bytes.length) break;
    if (type === 0x45) {
      const fields = new Map<string, string>();
      let q = p + 5;
      while (q < p + 1 + len && bytes[q] !== 0) {
        const code = String.fromCharCode(bytes[q]);
        const end = bytes.indexOf(0, q + 1);
        fields.set(code, bytes.toString("utf8", q + 1, end));
        q = end + 1;
      }
      if (fields.get("S") === "FATAL") codes.push(fields.get("C") ?? "?");
    }
    p += 1 + len;
  }
  return codes;
}

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxMessageSize: 1 << 20 });
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
  await c.connect();
  await c.query("CREATE TABLE fuzz (id INT PRIMARY KEY, note TEXT)");
  await c.query("INSERT INTO fuzz VALUES (1, 'one'), (2, 'two')");
  await c.end();
});

afterAll(async () => {
  await t.close();
});

describe("protocol fuzzing", () => {
  it("survives thousands of malformed connections while a good client keeps working", async () => {
    const good = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
    good.on("error", () => {});
    await good.connect();
    let stop = false;
    let answered = 0;
    const wrong: string[] = [];
    const goodLoop = (async () => {
      while (!stop) {
        const id = 1 + (answered % 2);
        const r = await good.query("SELECT note, $2::int * 2 AS twice FROM fuzz WHERE id = $1", [id, answered]);
        const want = { note: id === 1 ? "one" : "two", twice: answered * 2 };
        if (JSON.stringify(r.rows) !== JSON.stringify([want])) wrong.push(JSON.stringify(r.rows));
        answered++;
      }
    })();

    const r = rng(Number(process.env.FUZZ_SEED ?? 20240531));
    const fatal = new Map<string, number>();
    const total = 3000;
    const concurrency = 30;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next++;
          const bytes = await fuzzConnection(t.port, r);
          for (const code of fatalCodes(bytes)) fatal.set(code, (fatal.get(code) ?? 0) + 1);
        }
      }),
    );
    stop = true;
    await goodLoop;
    console.log(`fuzz: ${total} connections, good client answered ${answered} queries; FATAL codes ${JSON.stringify([...fatal])}`);
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(50);
    // malformed input ends connections with protocol violations (and a few other startup codes)
    expect(fatal.get("08P01") ?? 0).toBeGreaterThan(100);
    // (a mutated startup parameter value is refused with 22023, as Postgres does)
    for (const code of fatal.keys()) expect(["08P01", "0A000", "28000", "3D000", "22023", "42601"]).toContain(code);

    // every fuzzing session is gone: only the good client remains
    for (let i = 0; i < 100 && t.server.sessionCount > 1; i++) await sleep(20);
    expect(t.server.sessionCount).toBe(1);
    expect((await good.query("SELECT count(*)::int AS n FROM fuzz WHERE id <= 2")).rows).toEqual([{ n: 2 }]);
    await good.end();
  });

  it("closes a connection that declares an oversized or negative message with a FATAL 08P01", async () => {
    for (const len of [0x7fffffff, -5, 2]) {
      const msg = Buffer.alloc(5);
      msg[0] = 0x51;
      msg.writeInt32BE(len, 1);
      const bytes = await new Promise<Buffer>((resolve) => {
        const got: Buffer[] = [];
        const s = connect(t.port, "127.0.0.1", () => s.write(Buffer.concat([serialize.startup({ user: "sage", database: "sage" }), msg])));
        s.on("data", (d) => got.push(d));
        s.on("close", () => resolve(Buffer.concat(got)));
        s.on("error", () => {});
      });
      expect(fatalCodes(bytes)).toEqual(["08P01"]);
    }
  });
});
