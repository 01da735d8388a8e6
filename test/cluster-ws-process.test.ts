// The ws data plane between two real processes on loopback: a child process (the built dist/)
// listens and counts what arrives on one exchange channel; this process sends it chunks with
// credits and a final barrier, and the child's totals match. A peer with the wrong token is
// refused, and the child (the other side) reports the refusal too.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterRefusedError, ExchangeEndpoint, WsNetwork, type FrameHeader } from "../src/cluster/index.js";
import { Chunk, Types } from "../src/types/index.js";

const DIST_CLUSTER = pathToFileURL(join(import.meta.dirname, "..", "dist", "src", "cluster", "index.js")).href;
const header: FrameHeader = { generation: 1, view: "v", exchange: 0, fromPartition: 0, toPartition: 0 };

const CHILD = `
import { WsNetwork, ExchangeEndpoint } from ${JSON.stringify(DIST_CLUSTER)};
const net = new WsNetwork({ token: process.argv[2], onRefused: (r) => console.log("REFUSED " + r) });
const address = await net.listen((conn) => {
  const ep = new ExchangeEndpoint(conn, { window: 4 });
  let rows = 0, sum = 0n, text = 0;
  ep.receiver(${JSON.stringify(header)}, async (m) => {
    if (m.kind === "chunk") {
      rows += m.chunk.length;
      for (let i = 0; i < m.chunk.length; i++) { sum += m.chunk.columns[0].get(i); text += m.chunk.columns[1].get(i).length; }
      await new Promise((r) => setTimeout(r, 1)); // a slow consumer: the sender must wait for credit
    } else if (m.kind === "barrier" && m.final) console.log("DONE " + rows + " " + sum + " " + text);
  });
});
console.log("LISTEN " + address);
`;

let dir: string;
let child: ChildProcess;
let address: string;
const lines: string[] = [];

async function line(prefix: string, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const l = lines.find((x) => x.startsWith(prefix));
    if (l !== undefined) return l;
    if (Date.now() > end) throw new Error(`no "${prefix}" line from the child; it printed: ${lines.join(" | ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("ws data plane between processes", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sage-ws-child-"));
    writeFileSync(join(dir, "child.mjs"), CHILD);
    child = spawn(process.execPath, [join(dir, "child.mjs"), "cluster-token"], { stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    child.stdout!.on("data", (b: Buffer) => {
      buf += b.toString();
      const parts = buf.split("\n");
      buf = parts.pop()!;
      lines.push(...parts);
    });
    address = (await line("LISTEN ")).slice("LISTEN ".length);
  }, 30_000);
  afterAll(() => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("carries chunks with credits to another process exactly", async () => {
    const net = new WsNetwork({ token: "cluster-token" });
    try {
      const conn = await net.connect(address);
      const sender = new ExchangeEndpoint(conn, { window: 4, maxQueued: 4 }).sender(header);
      let rows = 0;
      let sum = 0n;
      let text = 0;
      let maxQueued = 0;
      for (let c = 0; c < 60; c++) {
        const values = Array.from({ length: 500 }, (_, i) => [BigInt(c * 1_000_003 + i * 7) - 9_000_000_000_000_000n, `row ${c}/${i} ✓`]);
        for (const [v, s] of values) {
          sum += v as bigint;
          text += (s as string).length;
        }
        rows += values.length;
        await sender.send({ kind: "chunk", chunk: Chunk.fromRows([Types.bigint, Types.text], values) });
        maxQueued = Math.max(maxQueued, sender.queued);
      }
      await sender.send({ kind: "barrier", epoch: 1, final: true });
      expect(await line("DONE ")).toBe(`DONE ${rows} ${sum} ${text}`);
      expect(maxQueued).toBeLessThanOrEqual(4);
    } finally {
      await net.close();
    }
  }, 60_000);

  it("refuses a process without the token, and the other side says so too", async () => {
    const net = new WsNetwork({ token: "not-the-token" });
    try {
      const err = await net.connect(address).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ClusterRefusedError);
      expect((err as Error).message).toMatch(/token/);
      expect(await line("REFUSED ")).toMatch(/token/);
    } finally {
      await net.close();
    }
  });
});
