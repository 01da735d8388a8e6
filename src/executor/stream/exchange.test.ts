import { describe, expect, it } from "vitest";
import { Chunk, Types } from "../../types/index.js";
import type { ExchangeSourceNode } from "../../planner/physical-plan.js";
import type { Message } from "../message.js";
import { partitionOfVnode, vnodeOf } from "../vnode.js";
import { ExchangeReceiver } from "./exchange-receiver.js";
import { ExchangeSender } from "./exchange-sender.js";

const node: ExchangeSourceNode = { kind: "exchange_source", exchange: 0, types: [Types.integer, Types.integer] };
const chunk = (rows: number[][], ops?: number[]) => ({ kind: "chunk", chunk: Chunk.fromRows(node.types, rows, ops) }) as Message;
const barrier = (epoch: number): Message => ({ kind: "barrier", epoch, final: false });
const describeMsg = (m: Message): string => (m.kind === "chunk" ? `rows ${JSON.stringify(m.chunk.rows())}` : m.kind === "barrier" ? `barrier ${m.epoch}` : `wm ${m.column}=${String(m.value)}`);

describe("ExchangeReceiver", () => {
  it("aligns barriers over every sender, holding a sender's later messages", () => {
    const out: string[] = [];
    const r = new ExchangeReceiver(node, 3, (m) => out.push(describeMsg(m)));
    r.push(0, chunk([[1, 1]]));
    r.push(0, barrier(5));
    r.push(0, chunk([[2, 2]])); // after its barrier: held
    r.push(1, barrier(5));
    r.push(2, chunk([[3, 3]]));
    expect(out).toEqual(["rows [[1,1]]", "rows [[3,3]]"]);
    r.push(2, barrier(5));
    expect(out).toEqual(["rows [[1,1]]", "rows [[3,3]]", "barrier 5", "rows [[2,2]]"]);
  });

  it("forwards the minimum watermark of all senders, once each has sent one, only when it moves", () => {
    const out: string[] = [];
    const r = new ExchangeReceiver(node, 2, (m) => out.push(describeMsg(m)));
    r.push(0, { kind: "watermark", column: 1, value: 10 });
    expect(out).toEqual([]);
    r.push(1, { kind: "watermark", column: 1, value: 7 });
    expect(out).toEqual(["wm 1=7"]);
    r.push(1, { kind: "watermark", column: 1, value: 12 });
    expect(out).toEqual(["wm 1=7", "wm 1=10"]);
    r.push(1, { kind: "watermark", column: 1, value: 11 }); // backwards: ignored
    r.push(0, { kind: "watermark", column: 0, value: 3 }); // another column: its own senders
    expect(out).toEqual(["wm 1=7", "wm 1=10"]);
    r.push(0, { kind: "watermark", column: 1, value: 20 });
    expect(out).toEqual(["wm 1=7", "wm 1=10", "wm 1=12"]);
  });
});

describe("ExchangeSender", () => {
  it("routes each row to the partition owning its key's vnode, and barriers and watermarks to all", () => {
    const sent: { target: number; msg: Message }[] = [];
    const s = new ExchangeSender(4, { kind: "hash", columns: [1] }, 3, (ex, target, msg) => {
      expect(ex).toBe(4);
      sent.push({ target, msg });
    });
    const rows = Array.from({ length: 200 }, (_, i) => [i, i % 11]);
    s.push(0, chunk(rows, rows.map((_, i) => (i % 5 === 0 ? -1 : 1))));
    let total = 0;
    for (const { target, msg } of sent) {
      if (msg.kind !== "chunk") continue;
      for (let i = 0; i < msg.chunk.length; i++) {
        const [id, k] = msg.chunk.row(i) as number[];
        expect(partitionOfVnode(vnodeOf([k], [Types.integer]), 3)).toBe(target);
        expect(msg.chunk.op(i)).toBe(id % 5 === 0 ? -1 : 1); // the op travels with its row
        total++;
      }
    }
    expect(total).toBe(200);
    expect(new Set(sent.map((x) => x.target)).size).toBe(3);
    sent.length = 0;
    s.push(0, { kind: "watermark", column: 0, value: 1 });
    s.push(0, barrier(9));
    expect(sent.map((x) => `${x.target} ${describeMsg(x.msg)}`)).toEqual(["0 wm 0=1", "1 wm 0=1", "2 wm 0=1", "0 barrier 9", "1 barrier 9", "2 barrier 9"]);
  });

  it("sends everything to partition 0 (single) or to every partition (broadcast)", () => {
    const single: number[] = [];
    new ExchangeSender(0, { kind: "single" }, 1, (_e, t) => single.push(t)).push(0, chunk([[1, 2], [3, 4]]));
    expect(single).toEqual([0]);
    const all: number[] = [];
    new ExchangeSender(0, { kind: "broadcast" }, 3, (_e, t) => all.push(t)).push(0, chunk([[1, 2]]));
    expect(all).toEqual([0, 1, 2]);
  });
});
