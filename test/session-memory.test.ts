// Session windows keep bounded state under EMIT ON WINDOW CLOSE: Nexmark bids flow through a
// per-auction SESSION view (auctions stop receiving bids as they end, so their sessions close when
// the watermark passes them); the SessionWindow operator's stored rows (the rows of open sessions)
// must not grow with the number of events, and every row of a closed session reaches the view.
// The heap after a full GC is printed for reference (the view's own rows — one per closed session
// — do grow with the input, as any EOWC view's do).
//
//   SAGE_SESSION_MEMORY_EVENTS=<n>   events of all kinds (default 600,000; samples at 30% and 100%)
import { describe, expect, it } from "vitest";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Database } from "../src/index.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const EVENTS = Number(process.env.SAGE_SESSION_MEMORY_EVENTS ?? 600_000);
const BID_SHARE = 46 / 50;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe("session window state", () => {
  it("stays bounded while Nexmark bids flow through an EOWC session view", { timeout: 300_000 }, async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP,
      WATERMARK FOR date_time AS date_time - INTERVAL '4 seconds')
      WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = 0, nexmark.max_events = ${EVENTS})`);
    await db.execute(`CREATE MATERIALIZED VIEW sessions AS
      SELECT auction, window_start, window_end, count(*) AS n FROM SESSION(bid, date_time, INTERVAL '2 seconds', auction)
      GROUP BY auction, window_start, window_end EMIT ON WINDOW CLOSE`);
    await db.execute("CREATE MATERIALIZED VIEW total AS SELECT count(*) AS n FROM bid");
    const op = db.streams.all().flatMap((d) => d.operators).find((o) => o.name === "SessionWindow") as unknown as { storedRows: number; partitionCount: number };
    const samples: { bids: number; stored: number; partitions: number; heapMb: number }[] = [];
    const bidsAll = Math.floor(EVENTS * BID_SHARE);
    let most = 0;
    for (const share of [0.3, 1]) {
      for (;;) {
        const [r] = await db.execute("SELECT n FROM total");
        const n = Number(r.rows[0][0]);
        most = Math.max(most, op.storedRows);
        if (n >= Math.floor(bidsAll * share) - 1) {
          samples.push({ bids: n, stored: op.storedRows, partitions: op.partitionCount, heapMb: heapMb() });
          break;
        }
        await new Promise((res) => setTimeout(res, 10));
      }
    }
    const [closed] = await db.execute("SELECT sum(n) FROM sessions");
    for (const s of samples) console.log(`session windows: ${s.bids} bids, ${s.stored} stored rows in ${s.partitions} partitions, heap ${s.heapMb.toFixed(1)} MB`);
    console.log(`session windows: at most ${most} stored rows; ${String(closed.rows[0][0])} rows in closed sessions`);
    const [early, late] = samples;
    expect(late.bids).toBeGreaterThan(early.bids * 2);
    // the open sessions' rows do not grow with the input (about 56k at any point of a run)
    expect(late.stored).toBeLessThan(early.stored * 1.3 + 1000);
    expect(most).toBeLessThan(early.stored * 1.5 + 1000);
    // every bid is either in a closed session or in an open one
    expect(Number(closed.rows[0][0]) + late.stored).toBe(late.bids);
    await db.close();
  });
});
