// The views of sqltests/streaming, cut into fragments, equal one node: each .slt file's statements
// run on one node (queries and statements expected to fail are skipped) while every input of every
// dataflow is recorded (backfills included); then each materialized view left at the end has its
// plan cut at parallelism 1–4 and its dataflow's input replayed into the partition instances,
// deliveries between senders reordered and every instance restored half-way.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { findTestFiles, parseSlt } from "../../cli/slt/index.js";
import { Database, formatValue } from "../../src/index.js";
import type { Session } from "../../src/session.js";
import { recordDataflowInputs, replay, type Recording, type RecordedView } from "./fragment-harness.js";

const dir = fileURLToPath(new URL("../../sqltests/streaming/", import.meta.url));
const files = findTestFiles(dir, /\.slt$/);
const dbs: Database[] = [];

afterAll(async () => {
  for (const db of dbs) await db.close();
});

async function recordFile(file: string): Promise<Recording> {
  const db = await Database.open({ memory: true });
  dbs.push(db);
  const session = db.connect() as Session;
  const recorder = recordDataflowInputs();
  for (const r of parseSlt(readFileSync(file, "utf8"), file)) {
    if (r.kind !== "statement" || r.expect.kind === "error") continue;
    if (r.conditions.some((c) => (c.kind === "onlyif" && c.engine !== "sage") || (c.kind === "skipif" && c.engine === "sage"))) continue;
    try {
      await session.execute(r.sql);
    } catch {
      // the slt file expects it to pass: its own test reports it
    }
  }
  await session.execute("FLUSH");
  db.streams.barrier(true);
  recorder.stop();
  const views = new Map<string, RecordedView>();
  for (const rel of db.catalog.listRelations("materialized_view")) {
    const df = db.streams.get(rel.id);
    if (!df) continue;
    const [r] = await session.execute(`SELECT * FROM "${rel.name}"`);
    const types = df.plan.types;
    const expected = r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(types[i], v))).join("|")).sort();
    views.set(rel.name, { name: rel.name, plan: df.plan, types, expected, changes: new Map(), inputs: recorder.inputsOf(rel.id) });
  }
  return { db, session, views, primaryKey: (id) => db.catalog.relationById(id)?.primaryKey };
}


describe("sqltests/streaming views cut into fragments equal one node", () => {
  for (const file of files) {
    it(basename(file), async () => {
      const rec = await recordFile(file);
      expect(rec.views.size, "views in the file").toBeGreaterThan(0);
      for (const [name, v] of rec.views) {
        for (const p of [1, 2, 3, 4]) {
          const r = replay(rec, name, { parallelism: p, shuffleSeed: p === 1 ? undefined : 77 + p, restoreAt: p >= 3 ? 0.5 : undefined });
          expect(r.rows, `${basename(file)}: ${name} at parallelism ${p}`).toEqual(v.expected);
        }
      }
    }, 120_000);
  }
});

