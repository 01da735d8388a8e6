// Nexmark q0–q5, q7, q8 (bench/nexmark's views) cut into fragments equal one node: the views run on
// one node over nexmark events driven in ticks (one epoch per table per tick, as the connector
// does), their inputs recorded; each plan is cut at parallelism 1–4 and the recording replayed
// (deliveries reordered between senders, and every instance snapshotted and restored half-way).
//   SAGE_FRAGMENT_NEXMARK_EVENTS=<n>   events of all kinds (default 12000)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERIES, TABLES, createStreams } from "../../bench/nexmark/nexmark.js";
import { driveNexmark, recordViews, replay, type Recording } from "./fragment-harness.js";

const EVENTS = Number(process.env.SAGE_FRAGMENT_NEXMARK_EVENTS ?? 12000);
const TICK = 1500;

let rec: Recording;

describe(`Nexmark views cut into fragments equal one node (${EVENTS} events)`, () => {
  beforeAll(async () => {
    rec = await recordViews(
      [],
      QUERIES.map((q) => q.name),
      async (session, viewsCreated) => {
        await createStreams(session, TABLES, false);
        for (const q of QUERIES) await session.execute(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.sql}`);
        viewsCreated();
        await driveNexmark(session, EVENTS, TICK);
      },
    );
  }, 120_000);
  afterAll(async () => {
    await rec?.db.close();
  });

  for (const q of QUERIES) {
    it(q.name, () => {
      const v = rec.views.get(q.name)!;
      expect(v.expected.length, `${q.name} has rows`).toBeGreaterThan(0);
      for (const p of [1, 2, 3, 4]) {
        const r = replay(rec, q.name, { parallelism: p, shuffleSeed: 1000 + p, restoreAt: 0.5 });
        expect(r.rows.length, `${q.name} at parallelism ${p}`).toBe(v.expected.length);
        expect(r.rows, `${q.name} at parallelism ${p}`).toEqual(v.expected);
        expect(r.changes, `${q.name}'s changes per epoch at parallelism ${p}`).toEqual(v.changes);
        if (p > 1) expect(r.graph.fragments.some((f) => f.parallelism === p)).toBe(true);
      }
    });
  }
});
