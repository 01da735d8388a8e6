// The simulated client: appends seeded INSERT/DELETE batches into the tables through the input
// log, one batch at a time, retrying a failed append with the same message id (so a retry whose
// first try did land is not doubled), and keeps the tables' true final contents for the check.

import type { InputLog } from "../backbone.js";
import { relationSubject } from "../cluster-records.js";
import { encodeState } from "../../executor/state/index.js";
import { Chunk, type DataType, Types } from "../../types/index.js";
import type { Clock } from "../backbone.js";
import type { SeededRandom } from "./seeded-random.js";

export interface SimTable {
  name: string;
  /** integer columns; column 0 is a small key (0..5), so views group and join on it */
  columns: number;
}

export class SimWorkload {
  /** the rows each table holds once every batch landed */
  readonly contents = new Map<string, number[][]>();
  done = false;
  lastSeq = 0;
  appends = 0;

  constructor(
    private readonly tables: readonly SimTable[],
    private readonly rng: SeededRandom,
  ) {
    for (const t of tables) this.contents.set(t.name, []);
  }

  /** `batches` batches spread over [startMs, endMs] */
  async run(log: InputLog, clock: Clock, batches: number, startMs: number, endMs: number): Promise<void> {
    for (let i = 0; i < batches; i++) {
      const at = startMs + Math.floor(((endMs - startMs) * i) / batches) + this.rng.int(0, 20);
      if (at > clock.now()) await sleep(clock, at - clock.now());
      const table = this.rng.pick(this.tables);
      const chunk = this.batch(table);
      const data = encodeState(chunk);
      for (;;) {
        try {
          this.appends++;
          this.lastSeq = Math.max(this.lastSeq, await log.append(relationSubject(table.name), data, `batch.${i}`));
          break;
        } catch {
          await sleep(clock, 30);
        }
      }
    }
    this.done = true;
  }

  private batch(table: SimTable): Chunk {
    const rows = this.contents.get(table.name)!;
    const out: number[][] = [];
    const ops: number[] = [];
    const n = this.rng.int(1, 4);
    for (let r = 0; r < n; r++) {
      if (rows.length > 0 && this.rng.chance(0.3)) {
        const [row] = rows.splice(this.rng.int(0, rows.length - 1), 1);
        out.push(row);
        ops.push(-1);
      } else {
        const row = [this.rng.int(0, 5)];
        for (let c = 1; c < table.columns; c++) row.push(this.rng.int(-20, 20));
        rows.push(row);
        out.push(row);
        ops.push(1);
      }
    }
    const types: DataType[] = Array.from({ length: table.columns }, () => Types.integer);
    return Chunk.fromRows(types, out, ops);
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
