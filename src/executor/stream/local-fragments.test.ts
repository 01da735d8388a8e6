import { describe, expect, it } from "vitest";
import { Chunk } from "../../types/index.js";
import { fragmentPlan } from "../../planner/fragments.js";
import type { PhysicalPlan } from "../../planner/physical-plan.js";
import { col, I32, I64, sorted, testContext } from "../testing.js";
import { partitionOfVnode, vnodeOf } from "../vnode.js";
import { FragmentInstance } from "./fragment-instance.js";
import { LocalFragmentRunner } from "./local-fragments.js";

// SELECT g, count(*) FROM t(id, g, x) GROUP BY g, with t placed by its primary key id
const scan: PhysicalPlan = { kind: "scan", relation: "t", name: "t", columns: [0, 1, 2], types: [I32, I32, I32] };
const plan: PhysicalPlan = { kind: "aggregate", input: scan, groupBy: [col(1, I32)], aggregates: [{ fn: "count_star", args: [], distinct: false, type: I64 }], types: [I32, I64] };
const rowsOf = (chunks: Chunk[]) => sorted(chunks.flatMap((c) => c.rows()));
const tRows = (rows: number[][], ops?: number[]) => Chunk.fromRows([I32, I32, I32], rows, ops);

describe("FragmentInstance", () => {
  it("keeps the rows of the vnodes its partition owns, by the relation's primary key", () => {
    const graph = fragmentPlan(plan, 3, { primaryKey: () => [0] });
    const source = graph.fragments.find((f) => f.sources.includes("t"))!;
    const rows = Array.from({ length: 60 }, (_, i) => [i, i % 4, 1]);
    const seen: number[][] = [];
    for (let p = 0; p < source.parallelism; p++) {
      // what it keeps leaves through its exchange sender
      const kept: number[] = [];
      let barriers = 0;
      const inst = new FragmentInstance(graph, source.id, p, testContext(), (_exchange, _target, msg) => {
        if (msg.kind === "chunk") for (const r of msg.chunk.rows()) kept.push(r[0] as number);
        if (msg.kind === "barrier") barriers++;
      });
      expect(inst.sources).toEqual(["t"]);
      inst.deliverRelation("t", tRows(rows));
      inst.barrier(1);
      expect(barriers).toBe(3); // to each partition of the aggregate's fragment
      const owned = rows.filter((r) => partitionOfVnode(vnodeOf([r[0]], [I32]), 3) === p).map((r) => r[0]);
      expect(kept.sort((a, b) => a - b)).toEqual(owned);
      seen.push(kept);
    }
    // the partitions split the rows between them
    expect(seen.flat().sort((a, b) => a - b)).toEqual(rows.map((r) => r[0]));
    expect(seen.every((k) => k.length > 0)).toBe(true);
  });
});

describe("FragmentInstance checkpoints", () => {
  it("announces each barrier once it passed, with the state of exactly that epoch", () => {
    const graph = fragmentPlan(plan, 2);
    const top = graph.fragments.find((f) => f.output === "materialize")!;
    const inst = new FragmentInstance(graph, top.id, 0, testContext(), () => {});
    const snaps: [number, Uint8Array][] = [];
    inst.onBarrier((epoch) => snaps.push([epoch, inst.snapshotState()]));
    const msg = (rows: number[][]) => ({ kind: "chunk", chunk: tRows(rows) }) as const;
    const barrier = (epoch: number) => ({ kind: "barrier", epoch, final: false }) as const;
    inst.deliverExchange(0, 0, msg([[1, 7, 0]]));
    inst.deliverExchange(0, 0, barrier(1));
    inst.deliverExchange(0, 0, msg([[2, 7, 0]])); // sender 0's next epoch: waits
    inst.deliverExchange(0, 1, msg([[3, 8, 0]]));
    expect(snaps).toEqual([]);
    inst.deliverExchange(0, 1, barrier(1));
    expect(snaps.map(([e]) => e)).toEqual([1]);
    inst.deliverExchange(0, 0, barrier(2));
    inst.deliverExchange(0, 1, barrier(2));
    expect(snaps.map(([e]) => e)).toEqual([1, 2]);
    expect(rowsOf(inst.rows())).toEqual([[7, 2n], [8, 1n]]);
    const restored = (bytes: Uint8Array) => {
      const fresh = new FragmentInstance(graph, top.id, 0, testContext(), () => {});
      fresh.restoreState(bytes);
      return rowsOf(fresh.rows());
    };
    expect(restored(snaps[0][1])).toEqual([[7, 1n], [8, 1n]]); // without the row sent after barrier 1
    expect(restored(snaps[1][1])).toEqual([[7, 2n], [8, 1n]]);
  });
});

describe("LocalFragmentRunner", () => {
  it("equals the one-partition answer, and every partition completes every epoch even without rows", () => {
    const results: unknown[][][] = [];
    for (const p of [1, 4]) {
      const runner = new LocalFragmentRunner(fragmentPlan(plan, p), testContext(), { shuffleSeed: 3 });
      const completed = new Map<number, number>();
      for (const inst of runner.partitions(0)) inst.onEpoch((epoch) => completed.set(epoch, (completed.get(epoch) ?? 0) + 1));
      const epochs: number[] = [];
      runner.onEpoch((epoch) => epochs.push(epoch));
      runner.deliver("t", tRows([[1, 7, 0]]));
      runner.barrier(1);
      runner.deliver("t", tRows([[2, 7, 0], [3, 8, 0], [4, 9, 0]]));
      runner.barrier(2);
      runner.deliver("t", tRows([[1, 7, 0], [3, 8, 0]], [-1, -1]));
      runner.barrier(3);
      runner.barrier(4); // nothing changed
      expect(epochs).toEqual([1, 2, 3, 4]);
      expect([...completed.values()]).toEqual([p, p, p, p]);
      results.push(rowsOf(runner.rows()));
    }
    expect(results[0]).toEqual([[7, 1n], [9, 1n]]);
    expect(results[1]).toEqual(results[0]);
  });

  it("restores a snapshot into rebuilt instances", () => {
    const graph = fragmentPlan(plan, 3);
    const a = new LocalFragmentRunner(graph, testContext());
    a.deliver("t", tRows([[1, 1, 0], [2, 2, 0], [3, 2, 0]]));
    a.barrier(1);
    const b = new LocalFragmentRunner(graph, testContext());
    b.restore(a.snapshot());
    expect(rowsOf(b.rows())).toEqual(rowsOf(a.rows()));
    for (const r of [a, b]) {
      r.deliver("t", tRows([[2, 2, 0]], [-1]));
      r.barrier(2);
    }
    expect(rowsOf(b.rows())).toEqual([[1, 1n], [2, 1n]]);
    expect(rowsOf(a.rows())).toEqual(rowsOf(b.rows()));
  });
});

