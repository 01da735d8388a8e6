// The Studio's Jobs panel in a real browser (Debian's chromium, headless, driven by playwright-core)
// against the real HTTP port: a slow materialized-view backfill started from the SQL tab shows in
// the Jobs panel with rising progress, Cancel stops it, the SQL tab reports 57014 and the view does
// not exist. Screenshots go under test-results/.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/index.js";
import { HttpServer, PgServer, ServerMetrics } from "../src/server/index.js";

const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dirname, "..");
const shots = join(root, "test-results");

describe.skipIf(!existsSync(CHROMIUM))("Studio Jobs panel", () => {
  let db: Database;
  let pg: PgServer;
  let http: HttpServer;
  let metrics: ServerMetrics;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, "studio", "build.mjs")], { stdio: "inherit" });
    db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE big (id INT, g INT, v INT)");
    for (let s = 1; s <= 2_000_000; s += 500_000) await db.execute(`INSERT INTO big SELECT i, i % 1000, i % 97 FROM generate_series(${s}, ${s + 499_999}) AS s(i)`);
    pg = await PgServer.start({ db, port: 0 });
    metrics = new ServerMetrics(db, () => pg.sessionCount);
    http = await HttpServer.start({ db, port: 0, hba: pg.hba, users: pg.users, defaultUser: "sage", metrics });
    mkdirSync(shots, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), "studio-jobs-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 700 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`http://127.0.0.1:${http.port}/`);
    await page.waitForSelector("body[data-ready='1']");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await http?.close();
    await pg?.close();
    metrics?.close();
    await db?.close();
  });

  it("cancels a backfill from the page: rising progress, Cancel, 57014, no view", async () => {
    await page.click(".cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText("CREATE MATERIALIZED VIEW slow AS SELECT a.g, count(*) AS n, sum(a.v) AS s FROM big a JOIN big b ON a.id % 50000 = b.id % 50000 GROUP BY a.g"); // forty matches a row: long enough to cancel on a fast machine
    await page.click("#run"); // answered only when the backfill ends

    await page.click("[data-tab='jobs']");
    const row = page.locator("#jobs tr[data-state='running']", { hasText: "CREATE MATERIALIZED VIEW slow" });
    await row.waitFor({ timeout: 20_000 });
    const rows = async () => Number(await row.getAttribute("data-rows"));
    const first = await rows();
    await expect.poll(rows, { timeout: 20_000, interval: 200 }).toBeGreaterThan(first);
    const progress = Number(await row.locator(".bar").getAttribute("data-progress"));
    expect(progress).toBeGreaterThan(0);
    expect(progress).toBeLessThan(1);
    expect(await row.locator("td").nth(5).textContent()).toMatch(/ \/ 2,000,000$/);
    expect(await row.locator("td").nth(6).textContent()).toMatch(/^[0-9,]+\/s$/);
    expect(await row.locator("td").nth(7).textContent()).toMatch(/^[0-9]+(s|m[0-9]{2}s|h[0-9]{2}m)$/); // an ETA
    await page.screenshot({ path: join(shots, "studio-jobs-backfill-running.png"), fullPage: true });

    const id = await row.getAttribute("data-job");
    await row.locator("button.cancel").click();
    await page.locator(`#jobs tr[data-job='${id}'][data-state='cancelled']`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, "studio-jobs-backfill-cancelled.png"), fullPage: true });

    await page.click("[data-tab='sql']");
    const error = page.locator("#results .error");
    await error.waitFor({ timeout: 10_000 });
    expect(await error.getAttribute("data-sqlstate")).toBe("57014");
    expect(await error.textContent()).toContain(`CANCEL JOB ${id}`);
    expect(db.catalog.findRelation(["slow"])).toBeUndefined();
    await page.screenshot({ path: join(shots, "studio-jobs-statement-cancelled.png"), fullPage: true });
  }, 120_000);
});
