// Cluster data plane and checkpoint storage:
//  - cluster-exchange-codec: a Nexmark-bid-like chunk (4096 rows: auction, bidder, price BIGINT,
//    channel, url VARCHAR, date_time TIMESTAMP, extra VARCHAR) encoded to an exchange frame (Arrow
//    IPC) and decoded back, rows/s and MB/s of frame bytes. Peer: the state codec (V8 serializer
//    over the same Chunk), what the protocol would ship without an Arrow codec.
//  - cluster-exchange-ws: the same chunks through an ExchangeEndpoint pair over ws on loopback,
//    with credits (window 16), to a receiver in a child process (each end a core of its own),
//    rows/s and MB/s. Peers: both ends in this one process (sharing its thread), and the codec
//    alone, for the cost of the network.
//  - cluster-log-append: input-log appends (256-byte messages with message ids, each awaiting
//    JetStream's ack) per second, one at a time and 64 in flight; and the rate a follower reads
//    them back (ordered consumer). Peer: none (the figures feed the scaling projection).
//  - cluster-checkpoint-upload: 8 MB blobs put into the JetStream object store of a local
//    nats-server (file storage), MB/s. Peer: the same bytes written and fsynced to a local file.

import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectBackbone, decodeFrame, encodeFrame, ExchangeEndpoint, WsNetwork, type Connection, type FrameHeader } from "../../src/cluster/index.js";
import { decodeState, encodeState } from "../../src/executor/state/index.js";
import { Chunk, Types } from "../../src/types/index.js";
import { NatsServer } from "../../test/nats-server.js";
import { type BenchCase, type BenchModule, type Contender, type Measurement, measure, probe, resultRow } from "../lib/harness.js";

const ROWS = 4096;
const HEADER: FrameHeader = { generation: 1, view: "nexmark_q5", exchange: 1, fromPartition: 0, toPartition: 1 };
const CHANNELS = ["Google", "Facebook", "Baidu", "Apple"];

/** A bid-like chunk; `seed` varies the values so no two chunks are the same. */
export function bidChunk(seed: number): Chunk {
  const types = [Types.bigint, Types.bigint, Types.bigint, Types.varchar, Types.varchar, Types.timestamp, Types.varchar];
  const rows: unknown[][] = new Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const n = seed * ROWS + i;
    rows[i] = [
      BigInt(1000 + ((n * 7) % 100)),
      BigInt(1000 + ((n * 13) % 5000)),
      BigInt(100 + ((n * 31) % 10_000_000)),
      CHANNELS[n % 4],
      `https://www.nexmark.com/${(n * 17) % 9973}/item.htm?query=1&channel_id=${(n * 101) % 99991}`,
      1_700_000_000_000_000 + n * 1000,
      n % 10 === 0 ? "extra-" + n : "",
    ];
  }
  return Chunk.fromRows(types, rows);
}

/** The same measurement in another unit (rows/s → MB/s: every run moved the same bytes per row). */
function scaled(m: Measurement, factor: Record<string, number>): Measurement {
  const values = new Map<string, number[]>();
  for (const [k, vs] of m.values) values.set(k, vs.map((v) => v * (factor[k] ?? 1)));
  return { ...m, values };
}

const codecCase: BenchCase = {
  name: "cluster-exchange-codec",
  async run(ctx) {
    const chunks = Array.from({ length: 8 }, (_, i) => bidChunk(i));
    const frameBytes = encodeFrame(HEADER, { kind: "chunk", chunk: chunks[0] }).length;
    const stateBytes = encodeState(chunks[0]).length;
    const rounds = ctx.quick ? 25 : 100;
    const contender = (name: string, roundTrip: (c: Chunk) => Chunk): Contender => ({
      name,
      async run() {
        const t0 = performance.now();
        let rows = 0;
        for (let r = 0; r < rounds; r++) {
          for (const c of chunks) rows += roundTrip(c).length;
          probe();
        }
        return { value: (rows / (performance.now() - t0)) * 1000, check: String(rows) };
      },
    });
    const m = await measure({
      name: "cluster-exchange-codec",
      contenders: [
        contender("arrow-frame", (c) => {
          const f = decodeFrame(encodeFrame(HEADER, { kind: "chunk", chunk: c }));
          return (f.payload as { chunk: Chunk }).chunk;
        }),
        contender("v8-state-codec", (c) => decodeState(encodeState(c)) as Chunk),
      ],
      runs: 5,
      warmups: 1,
      ctx,
    });
    const perRow = { "arrow-frame": frameBytes / ROWS / 1e6, "v8-state-codec": stateBytes / ROWS / 1e6 };
    const notes = `Nexmark-bid-like chunks of ${ROWS} rows, encode + decode in one thread; frame ${frameBytes} B (${(frameBytes / ROWS).toFixed(1)} B/row), state codec ${stateBytes} B`;
    return [
      resultRow(m, { name: "cluster/exchange-codec", unit: "rows/s", higherIsBetter: true, sage: "arrow-frame", peers: ["v8-state-codec"], notes }),
      resultRow(scaled(m, perRow), { name: "cluster/exchange-codec-bytes", unit: "MB/s", higherIsBetter: true, sage: "arrow-frame", peers: ["v8-state-codec"], notes: "MB of each codec's own encoded bytes per second" }),
    ];
  },
};

const wsCase: BenchCase = {
  name: "cluster-exchange-ws",
  async run(ctx) {
    const chunks = Array.from({ length: 8 }, (_, i) => bidChunk(i));
    const frameBytes = encodeFrame(HEADER, { kind: "chunk", chunk: chunks[0] }).length;
    const perRun = ctx.quick ? 80 : 400;
    const server = new WsNetwork({ token: "bench" });
    const client = new WsNetwork({ token: "bench" });
    let accepted: Connection | null = null;
    const address = await server.listen((c) => (accepted = c));
    const a = await client.connect(address);
    while (accepted === null) await new Promise((r) => setTimeout(r, 1));
    const sending = new ExchangeEndpoint(a, { window: 16, maxQueued: 16 });
    const receiving = new ExchangeEndpoint(accepted as Connection, { window: 16, maxQueued: 16 });
    let generation = 0;
    // the receiving end in another process: each side has a core of its own
    const remote = await startReceiverProcess();
    const toRemote = new WsNetwork({ token: "bench" });
    const doneRemote = new Map<number, (rows: number) => void>();
    const remoteConn = await toRemote.connect(remote.address);
    const remoteEnd = new ExchangeEndpoint(remoteConn, {
      window: 16,
      maxQueued: 16,
      onOtherFrame: (f) => {
        const [, gen, rows] = new TextDecoder().decode(f).split(" ");
        doneRemote.get(Number(gen))?.(Number(rows));
      },
    });
    try {
      const m = await measure({
        name: "cluster-exchange-ws",
        contenders: [
          {
            name: "ws-2-processes",
            async run() {
              const header = { ...HEADER, generation: ++generation };
              const finished = new Promise<number>((r) => doneRemote.set(header.generation, r));
              remoteConn.send(new TextEncoder().encode(`open ${header.generation} ${perRun}`));
              const sender = remoteEnd.sender(header);
              const t0 = performance.now();
              for (let i = 0; i < perRun; i++) await sender.send({ kind: "chunk", chunk: chunks[i % chunks.length] });
              const rows = await finished;
              const value = (rows / (performance.now() - t0)) * 1000;
              remoteEnd.dropGenerationsBefore(generation + 1);
              probe();
              return { value, check: String(rows) };
            },
          },
          {
            name: "ws-credits",
            async run() {
              // a fresh channel per run (a new generation), so runs do not share credit state
              const header = { ...HEADER, generation: ++generation };
              let rows = 0;
              let chunksIn = 0;
              let done: () => void = () => {};
              const finished = new Promise<void>((r) => (done = r));
              receiving.receiver(header, (msg) => {
                if (msg.kind === "chunk") rows += msg.chunk.length;
                if (++chunksIn === perRun) done();
              });
              const sender = sending.sender(header);
              const t0 = performance.now();
              for (let i = 0; i < perRun; i++) await sender.send({ kind: "chunk", chunk: chunks[i % chunks.length] });
              await finished;
              const value = (rows / (performance.now() - t0)) * 1000;
              sending.dropGenerationsBefore(generation + 1);
              receiving.dropGenerationsBefore(generation + 1);
              probe();
              return { value, check: String(rows) };
            },
          },
          {
            name: "codec-only",
            async run() {
              let rows = 0;
              const t0 = performance.now();
              for (let i = 0; i < perRun; i++) {
                const f = decodeFrame(encodeFrame(HEADER, { kind: "chunk", chunk: chunks[i % chunks.length] }));
                rows += (f.payload as { chunk: Chunk }).chunk.length;
              }
              return { value: (rows / (performance.now() - t0)) * 1000, check: String(rows) };
            },
          },
        ],
        runs: 5,
        warmups: 1,
        ctx,
      });
      const mb = frameBytes / ROWS / 1e6;
      const notes = `${perRun} chunks of ${ROWS} Nexmark-bid-like rows per run over one ws connection on loopback, credit window 16 frames; sage: sender here, receiver in a child process; ws-credits: both ends in this process; codec-only: encode + decode alone (2-core machine)`;
      return [
        resultRow(m, { name: "cluster/exchange-ws", unit: "rows/s", higherIsBetter: true, sage: "ws-2-processes", peers: ["ws-credits", "codec-only"], notes }),
        resultRow(scaled(m, { "ws-2-processes": mb, "ws-credits": mb, "codec-only": mb }), { name: "cluster/exchange-ws-bytes", unit: "MB/s", higherIsBetter: true, sage: "ws-2-processes", peers: ["ws-credits", "codec-only"], notes: `frame bytes per second (${(frameBytes / ROWS).toFixed(1)} B/row)` }),
      ];
    } finally {
      await toRemote.close();
      remote.stop();
      await client.close();
      await server.close();
    }
  },
};

/** A child process that receives exchange channels (opened on request) and reports each one's rows. */
async function startReceiverProcess(): Promise<{ address: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "sage-bench-ws-"));
  const cluster = new URL("../../src/cluster/index.js", import.meta.url).href;
  const script = join(dir, "receiver.mjs");
  writeFileSync(
    script,
    `import { WsNetwork, ExchangeEndpoint } from ${JSON.stringify(cluster)};
const header = ${JSON.stringify(HEADER)};
const net = new WsNetwork({ token: "bench" });
const address = await net.listen((conn) => {
  const ep = new ExchangeEndpoint(conn, { window: 16, maxQueued: 16, onOtherFrame: (f) => {
    const [, gen, n] = new TextDecoder().decode(f).split(" ");
    let rows = 0, got = 0;
    ep.receiver({ ...header, generation: Number(gen) }, (m) => {
      if (m.kind === "chunk") rows += m.chunk.length;
      if (++got === Number(n)) { conn.send(new TextEncoder().encode("done " + gen + " " + rows)); ep.dropGenerationsBefore(Number(gen) + 1); }
    });
  } });
});
console.log("LISTEN " + address);
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /LISTEN (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`the receiver process exited (${code})`)));
  });
  return {
    address,
    stop: () => {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const uploadCase: BenchCase = {
  name: "cluster-checkpoint-upload",
  async run(ctx) {
    let nats: NatsServer;
    try {
      nats = await NatsServer.start();
    } catch (e) {
      ctx.log(`  cluster-checkpoint-upload: SKIPPED: ${(e as Error).message}`);
      return [];
    }
    const dir = mkdtempSync(join(tmpdir(), "sage-upload-"));
    const blobs = ctx.quick ? 3 : 8;
    const blob = randomBytes(8 * 1024 * 1024);
    const mb = (blobs * blob.length) / 1e6;
    const bb = await connectBackbone(nats.url, { cluster: "bench" });
    try {
      const m = await measure({
        name: "cluster-checkpoint-upload",
        contenders: [
          {
            name: "jetstream-object-store",
            async run(i) {
              const t0 = performance.now();
              for (let b = 0; b < blobs; b++) await bb.objects.put(`ckpt/run${i}/vnodes-${b}`, blob);
              const value = mb / ((performance.now() - t0) / 1000);
              for (let b = 0; b < blobs; b++) await bb.objects.delete(`ckpt/run${i}/vnodes-${b}`);
              return { value };
            },
          },
          {
            name: "local-file-fsync",
            async run(i) {
              const t0 = performance.now();
              for (let b = 0; b < blobs; b++) {
                const fd = openSync(join(dir, `run${i}-${b}`), "w");
                writeSync(fd, blob);
                fsyncSync(fd);
                closeSync(fd);
              }
              return { value: mb / ((performance.now() - t0) / 1000) };
            },
          },
        ],
        runs: ctx.quick ? 3 : 5,
        warmups: 1,
        ctx,
      });
      return [
        resultRow(m, {
          name: "cluster/checkpoint-upload",
          unit: "MB/s",
          higherIsBetter: true,
          sage: "jetstream-object-store",
          peers: ["local-file-fsync"],
          notes: `${blobs} blobs of 8 MiB per run into the JetStream object store (nats-server 2.9, file storage, loopback, 512 KiB chunks); peer: the same bytes written and fsynced to a local file`,
        }),
      ];
    } finally {
      await bb.close();
      await nats.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const appendCase: BenchCase = {
  name: "cluster-log-append",
  async run(ctx) {
    let nats: NatsServer;
    try {
      nats = await NatsServer.start();
    } catch (e) {
      ctx.log(`  cluster-log-append: SKIPPED: ${(e as Error).message}`);
      return [];
    }
    const bb = await connectBackbone(nats.url, { cluster: "bench" });
    const n = ctx.quick ? 2000 : 10_000;
    const payload = randomBytes(256);
    let runId = 0;
    try {
      const appendRun = (inFlight: number): Contender["run"] => async () => {
        const prefix = `in.r${++runId}`;
        const t0 = performance.now();
        for (let i = 0; i < n; i += inFlight) {
          const batch: Promise<number>[] = [];
          for (let j = i; j < Math.min(n, i + inFlight); j++) batch.push(bb.log.append(prefix, payload, `${prefix}-${j}`));
          await Promise.all(batch);
        }
        return { value: (n / (performance.now() - t0)) * 1000, check: String(n) };
      };
      const m = await measure({
        name: "cluster-log-append",
        contenders: [
          { name: "64-in-flight", run: appendRun(64) },
          { name: "one-at-a-time", run: appendRun(1) },
          {
            name: "follow",
            async run() {
              const prefix = `in.r${++runId}`;
              const first = (await bb.log.lastSeq()) + 1;
              for (let i = 0; i < n; i += 256) await Promise.all(Array.from({ length: Math.min(256, n - i) }, (_, j) => bb.log.append(prefix, payload, `${prefix}-${i + j}`)));
              const t0 = performance.now();
              let got = 0;
              await new Promise<void>((resolve, reject) => {
                // replay from this run's first sequence, as recovery replays from a checkpoint's
                const f = bb.log.follow(prefix, first, () => {
                  if (++got === n) (f.close(), resolve());
                }, reject);
              });
              return { value: (n / (performance.now() - t0)) * 1000, check: String(n) };
            },
          },
        ],
        runs: ctx.quick ? 2 : 5,
        warmups: 1,
        ctx,
      });
      return [
        resultRow(m, {
          name: "cluster/log-append",
          unit: "appends/s",
          higherIsBetter: true,
          sage: "64-in-flight",
          peers: ["one-at-a-time", "follow"],
          notes: `${n} appends of 256 B with message ids into the input-log stream (nats-server 2.9, file storage, loopback), each acknowledged by JetStream; "follow": the rate an ordered consumer replays them from their first sequence (messages/s)`,
        }),
      ];
    } finally {
      await bb.close();
      await nats.destroy();
    }
  },
};

export const clusterModule: BenchModule = {
  name: "cluster",
  description: "exchange frames (Arrow IPC) rows/s and MB/s through the codec and over ws on loopback with credits, input-log appends/s and follow rate on JetStream, and checkpoint upload MB/s to the JetStream object store",
  cases: [codecCase, wsCase, appendCase, uploadCase],
};


