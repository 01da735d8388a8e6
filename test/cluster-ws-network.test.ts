// The ws data plane on loopback: authenticated handshake (bad token / bad version refused on both
// sides), frames in order both ways, and credit-based backpressure bounding a fast sender against
// a slow receiver.
import { afterEach, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { WebSocket, WebSocketServer } from "ws";
import { ClusterRefusedError, CONNECTION_REFUSED, ExchangeEndpoint, WsNetwork, type Connection, type FrameHeader } from "../src/cluster/index.js";
import type { Message } from "../src/executor/index.js";
import { Chunk, Types } from "../src/types/index.js";
import { encodeFrame } from "../src/cluster/exchange-frames.js";
import { freePort } from "./free-port.js";

const networks: WsNetwork[] = [];
function net(options: ConstructorParameters<typeof WsNetwork>[0]): WsNetwork {
  const n = new WsNetwork(options);
  networks.push(n);
  return n;
}
afterEach(async () => {
  await Promise.all(networks.splice(0).map((n) => n.close()));
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function pair(options: { window?: number; maxQueued?: number } = {}) {
  const server = net({ token: "s3cret", keepaliveMs: 1000 });
  let accepted: Connection | null = null;
  const address = await server.listen((c) => (accepted = c));
  const client = net({ token: "s3cret", keepaliveMs: 1000 });
  const a = await client.connect(address);
  await until(() => accepted !== null);
  return { a, b: accepted as unknown as Connection, address, options };
}

function rejection(p: Promise<unknown>): Promise<(Error & { code?: string }) | null> {
  return p.then(
    () => null,
    (e: unknown) => e as Error & { code?: string },
  );
}

describe("ws network", () => {
  it("carries binary frames in order both ways, and tells both sides when the link closes", async () => {
    const { a, b } = await pair();
    const atB: number[] = [];
    const atA: number[] = [];
    b.onFrame((f) => atB.push(f[0] | (f[1] << 8)));
    a.onFrame((f) => atA.push(f[0]));
    for (let i = 0; i < 1000; i++) a.send(Uint8Array.from([i & 255, i >> 8, 7, 7]));
    b.send(Uint8Array.from([42]));
    await until(() => atB.length === 1000 && atA.length === 1);
    expect(atB).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(atA).toEqual([42]);
    const closedA: string[] = [];
    const closedB: string[] = [];
    a.onClose((r) => closedA.push(r));
    b.onClose((r) => closedB.push(r));
    a.close();
    await until(() => closedA.length === 1 && closedB.length === 1);
  });

  it("refuses a peer without the cluster token, with a clear error on both sides", async () => {
    const serverRefusals: string[] = [];
    const clientRefusals: string[] = [];
    const server = net({ token: "right", onRefused: (r) => serverRefusals.push(r) });
    let accepted = 0;
    const address = await server.listen(() => accepted++);
    const err = await rejection(net({ token: "wrong", onRefused: (r) => clientRefusals.push(r) }).connect(address));
    expect(err).toBeInstanceOf(ClusterRefusedError);
    expect(err?.code).toBe(CONNECTION_REFUSED);
    expect(err?.message).toContain(address);
    expect(err?.message).toContain("token");
    await until(() => serverRefusals.length === 1);
    expect(serverRefusals[0]).toContain("token");
    expect(clientRefusals[0]).toContain("token");
    expect(accepted).toBe(0);
  });

  it("refuses a client that cannot prove the token (server side)", async () => {
    const refusals: string[] = [];
    const server = net({ token: "right", onRefused: (r) => refusals.push(r) });
    let accepted = 0;
    const address = await server.listen(() => accepted++);
    const ws = new WebSocket(address);
    const got: string[] = [];
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as { t: string; reason?: string };
      got.push(m.reason ?? m.t);
      if (m.t === "challenge") ws.send(JSON.stringify({ t: "auth", proof: "00".repeat(32) }));
    });
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    ws.on("open", () => ws.send(JSON.stringify({ t: "hello", version: 1, nonce: "abc" })));
    expect(await closed).toBe(4001);
    expect(got[0]).toBe("challenge");
    expect(got[1]).toContain("does not hold this cluster's token");
    expect(refusals[0]).toContain("token");
    expect(accepted).toBe(0);
  });

  it("refuses a peer of another protocol version, on both sides", async () => {
    const serverRefusals: string[] = [];
    const server = net({ token: "t", onRefused: (r) => serverRefusals.push(r) });
    const address = await server.listen(() => {});
    const err = await rejection(net({ token: "t", protocolVersion: 2 }).connect(address));
    expect(err).toBeInstanceOf(ClusterRefusedError);
    expect(err?.message).toMatch(/version mismatch: this node speaks version 1, the peer version 2/);
    expect(serverRefusals[0]).toMatch(/version mismatch/);
  });

  it("refuses frames sent before the handshake", async () => {
    const refusals: string[] = [];
    const server = net({ token: "t", onRefused: (r) => refusals.push(r) });
    const address = await server.listen(() => {});
    const ws = new WebSocket(address);
    ws.on("open", () => ws.send(Uint8Array.from([1, 2, 3])));
    const code = await new Promise<number>((r) => ws.on("close", (c) => r(c)));
    expect(code).toBe(4001);
    expect(refusals[0]).toContain("handshake");
  });

  it("breaks a link whose peer stops answering pings (paused or cut off), telling the owner", async () => {
    // a peer that completes the handshake, then never answers a ping (autoPong off)
    const token = "t";
    const mac = (role: string, cn: string, sn: string) => createHmac("sha256", token).update(`sage-sql cluster ${role} ${cn} ${sn}`).digest("hex");
    const mute = new WebSocketServer({ host: "127.0.0.1", port: 0, autoPong: false });
    await new Promise((r) => mute.once("listening", r));
    mute.on("connection", (ws) => {
      let cn = "";
      ws.on("message", (d) => {
        const m = JSON.parse(String(d)) as { t: string; nonce?: string };
        if (m.t === "hello") {
          cn = m.nonce!;
          ws.send(JSON.stringify({ t: "challenge", version: 1, nonce: "sn", proof: mac("server", cn, "sn") }));
        } else if (m.t === "auth") ws.send(JSON.stringify({ t: "welcome" }));
      });
    });
    try {
      const address = `ws://127.0.0.1:${(mute.address() as { port: number }).port}`;
      const c = await net({ token, keepaliveMs: 100 }).connect(address);
      const reasons: string[] = [];
      c.onClose((r) => reasons.push(r));
      await until(() => reasons.length === 1, 5000);
      expect(reasons[0]).toMatch(/did not answer keepalive pings/);
      // a live peer answers, so its link stays up
      const { a } = await pair();
      let closed = false;
      a.onClose(() => (closed = true));
      await new Promise((r) => setTimeout(r, 400));
      expect(closed).toBe(false);
    } finally {
      for (const ws of mute.clients) ws.terminate();
      await new Promise((r) => mute.close(r));
    }
  });

  it("names the address when nobody listens there", async () => {
    const address = `ws://127.0.0.1:${await freePort()}`;
    const err = await rejection(net({ token: "t" }).connect(address));
    expect(err?.message).toContain(address);
    expect(err?.code).toBe("08001");
  });
});

const types = [Types.bigint, Types.bigint, Types.bigint, Types.varchar, Types.varchar, Types.timestamp, Types.varchar];
function bidChunk(seed: number, rows: number): Chunk {
  return Chunk.fromRows(
    types,
    Array.from({ length: rows }, (_, i) => [BigInt(1000 + seed), BigInt(i), BigInt(seed * 7 + i), "Google", `https://www.nexmark.com/${seed}/${i}`, 1.7e15 + i, ""]),
  );
}

describe("exchange channels over ws", () => {
  const header: FrameHeader = { generation: 3, view: "q5", exchange: 1, fromPartition: 0, toPartition: 2 };

  it("a slow receiver bounds the sender's queue and its own inbox; everything arrives in order", async () => {
    const { a, b } = await pair();
    const sending = new ExchangeEndpoint(a, { window: 4, maxQueued: 8 });
    const receiving = new ExchangeEndpoint(b, { window: 4, maxQueued: 8 });
    const got: Message[] = [];
    const receiver = receiving.receiver(header, async (m) => {
      got.push(m);
      await new Promise((r) => setTimeout(r, 3)); // a slow consumer
    });
    const sender = sending.sender(header);
    const N = 150;
    let maxQueued = 0;
    const sent: Message[] = [];
    for (let i = 0; i < N; i++) {
      const m: Message = i % 10 === 9 ? { kind: "barrier", epoch: i, final: false } : { kind: "chunk", chunk: bidChunk(i, 64) };
      sent.push(m);
      await sender.send(m);
      maxQueued = Math.max(maxQueued, sender.queued);
    }
    await until(() => got.length === N, 30_000);
    expect(maxQueued).toBeLessThanOrEqual(8);
    expect(maxQueued).toBeGreaterThan(0); // the receiver really was slower
    expect(receiver.maxInbox).toBeLessThanOrEqual(4);
    expect(got.map((m) => (m.kind === "barrier" ? `b${m.epoch}` : m.kind === "chunk" ? String(m.chunk.columns[2].get(0)) : "?"))).toEqual(
      sent.map((m) => (m.kind === "barrier" ? `b${m.epoch}` : m.kind === "chunk" ? String(m.chunk.columns[2].get(0)) : "?")),
    );
    const c0 = got[0] as Extract<Message, { kind: "chunk" }>;
    expect(c0.chunk.rows()).toEqual((sent[0] as Extract<Message, { kind: "chunk" }>).chunk.rows());
  });

  it("a synchronous producer is told to pause at the bound (offer returns false) and nothing is dropped", async () => {
    const { a, b } = await pair();
    const sending = new ExchangeEndpoint(a, { window: 2, maxQueued: 5 });
    const receiving = new ExchangeEndpoint(b, { window: 2, maxQueued: 5 });
    let consumed = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    receiving.receiver(header, async () => {
      await gate; // stuck until released
      consumed++;
    });
    const sender = sending.sender(header);
    await until(() => sender.credits === 2);
    const accepted: boolean[] = [];
    for (let i = 0; i < 7; i++) accepted.push(sender.offer({ kind: "chunk", chunk: bidChunk(i, 8) }));
    // two went out on credit, five queue: the fifth queued one hits the bound
    expect(accepted).toEqual([true, true, true, true, true, true, false]);
    expect(sender.queued).toBe(5);
    await new Promise((r) => setTimeout(r, 50));
    expect(sender.queued).toBe(5); // no credit came back while the consumer is stuck
    release();
    await sender.whenWritable();
    await until(() => consumed === 7);
    expect(sender.queued).toBe(0);
  });

  it("shares a link with other traffic: non-exchange frames go to onOtherFrame, in order", async () => {
    const { a, b } = await pair();
    const other: string[] = [];
    const receiving = new ExchangeEndpoint(b, { onOtherFrame: (f) => other.push(new TextDecoder().decode(f)) });
    const sending = new ExchangeEndpoint(a);
    const got: Message[] = [];
    receiving.receiver(header, (m) => void got.push(m));
    a.send(new TextEncoder().encode("\u0001{\"t\":\"ack\"}"));
    await sending.sender(header).send({ kind: "barrier", epoch: 1, final: false });
    await until(() => got.length === 1 && other.length === 1);
    expect(other[0]).toBe("\u0001{\"t\":\"ack\"}");
    expect(receiving.dropped).toBe(0);
  });

  it("drops frames of a channel not open here (a stale generation) and counts them", async () => {
    const { a, b } = await pair();
    const receiving = new ExchangeEndpoint(b);
    const got: Message[] = [];
    receiving.receiver(header, (m) => void got.push(m));
    a.send(encodeFrame({ ...header, generation: 2 }, { kind: "barrier", epoch: 1, final: false }));
    a.send(encodeFrame(header, { kind: "barrier", epoch: 2, final: false }));
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ kind: "barrier", epoch: 2 });
    expect(receiving.dropped).toBe(1);
  });

  it("a producer waiting for credit is released with an error when the link closes", async () => {
    const { a, b } = await pair();
    const sending = new ExchangeEndpoint(a, { window: 1, maxQueued: 1 });
    const receiving = new ExchangeEndpoint(b, { window: 1, maxQueued: 1 });
    receiving.receiver(header, () => new Promise<void>(() => {})); // never finishes
    const sender = sending.sender(header);
    await until(() => sender.credits === 1);
    sender.offer({ kind: "barrier", epoch: 1, final: false }); // on credit
    sender.offer({ kind: "barrier", epoch: 2, final: false }); // queued: at the bound
    const waiting = sender.send({ kind: "barrier", epoch: 3, final: false });
    b.close();
    await expect(waiting).rejects.toThrow(/exchange link closed/);
    // an operator emitting into the closed channel is not thrown at: the message is dropped
    expect(sender.offer({ kind: "barrier", epoch: 4, final: false })).toBe(false);
    expect(sender.closedReason?.message).toMatch(/exchange link closed/);
    await expect(sender.send({ kind: "barrier", epoch: 5, final: false })).rejects.toThrow(/exchange link closed/);
  });

  it("sends a chunk too big for one frame as smaller chunks, in order, nothing lost", async () => {
    const { a, b } = await pair();
    const sending = new ExchangeEndpoint(a, { window: 2, maxFrameBytes: 20_000 });
    const receiving = new ExchangeEndpoint(b, { window: 2 });
    const got: Chunk[] = [];
    receiving.receiver(header, (m) => void (m.kind === "chunk" && got.push(m.chunk)));
    const wide = Chunk.fromRows(
      [Types.integer, Types.text],
      Array.from({ length: 100 }, (_, i) => [i, "x".repeat(1000 + i)]),
    );
    await sending.sender(header).send({ kind: "chunk", chunk: wide });
    await until(() => got.reduce((n, c) => n + c.length, 0) === 100);
    expect(got.length).toBeGreaterThan(4);
    expect(got.flatMap((c) => c.rows())).toEqual(wide.rows());
  });
});
