// The Studio in a real browser (Debian's chromium, headless, driven by playwright-core): run a
// query, see a syntax error marked, browse the catalog, watch a nexmark view's dataflow graph and a
// live chart. Each test saves a screenshot under test-results/.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ModelTestServer } from "../src/ai/testing/model-test-server.js";
import { startStudioHttp, type StudioHttp } from "./studio/studio-http.js";

const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dirname, "..");
const shots = join(root, "test-results");

let http: StudioHttp;
let browser: BrowserContext;
let page: Page;
let profile: string;

async function typeSql(sql: string): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(sql);
}

async function runSql(sql: string): Promise<void> {
  await typeSql(sql);
  await page.click("#run");
  await page.waitForSelector("#results .timing");
}

function get(url: string, method = "GET"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  // the bundle under test is built from the current studio/ sources
  execFileSync(process.execPath, [join(root, "studio", "build.mjs")], { stdio: "inherit" });
  http = await startStudioHttp();
}, 60_000);

afterAll(async () => {
  await http?.close();
});

describe("Studio files", () => {
  it("serves the bundle with content types, and nothing outside it", async () => {
    const html = await get(http.url);
    expect(html.status).toBe(200);
    expect(html.type).toMatch(/^text\/html/);
    expect(html.body).toContain("studio.js");
    const js = await get(http.url + "studio.js", "HEAD");
    expect([js.status, js.type]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect((await get(http.url + "studio.css")).type).toMatch(/^text\/css/);
    // no CDN: the page names no other origin
    expect(html.body).not.toMatch(/https?:\/\//);
    expect((await get(http.url + "..%2f..%2fpackage.json")).status).toBe(404);
    expect((await get(http.url + "nope.js")).status).toBe(404);
    // not a GET: left to the API
    expect((await get(http.url + "studio.js", "DELETE")).status).toBe(404);
  });
});

describe.skipIf(!existsSync(CHROMIUM))("Studio in a browser", () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), "studio-chromium-"));
    // a throwaway profile (playwright passes it as --user-data-dir)
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(http.url);
    await page.waitForSelector("body[data-ready='1']");
  }, 60_000);

  afterEach(async (ctx) => {
    await page.screenshot({ path: join(shots, `studio-${ctx.task.name.replace(/[^a-z0-9]+/gi, "-")}.png`), fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it("runs a query and shows its result", async () => {
    await runSql("SELECT 41 + 1 AS answer, 'sage' AS name");
    expect(await page.locator("#results th").allTextContents()).toEqual(["answer", "name"]);
    expect(await page.locator("#results td").allTextContents()).toEqual(["42", "sage"]);
    expect(await page.locator("#results .tag").textContent()).toBe("SELECT 1");
    // the query went into the history; a click brings it back
    await typeSql("SELECT 0");
    await page.locator("#history li", { hasText: "41 + 1" }).click();
    expect(await page.locator(".cm-content").textContent()).toContain("SELECT 41 + 1 AS answer");
  });

  it("marks a syntax error at its line and column", async () => {
    await runSql("SELECT 1,\n  2 frm x");
    const error = page.locator("#results .error");
    expect(await error.getAttribute("data-sqlstate")).toBe("42601");
    expect(await error.textContent()).toContain("line 2, column 9");
    expect(await page.locator(".cm-sql-error").textContent()).toBe("x");
    expect(await page.locator(".cm-sql-error-line").count()).toBe(1);
    await page.screenshot({ path: join(shots, "studio-syntax-error-marked.png") });
    // an edit clears the mark
    await page.click(".cm-content");
    await page.keyboard.press("End");
    await page.keyboard.type(" ");
    expect(await page.locator(".cm-sql-error").count()).toBe(0);
  });

  it("shows the catalog, completes names and draws a nexmark view's dataflow with live rates", async () => {
    await runSql(
      "CREATE STREAM bids (auction BIGINT, price BIGINT) WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = 400);\n" +
        "CREATE TABLE shards (id BIGINT PRIMARY KEY, name TEXT);\n" +
        "INSERT INTO shards VALUES (0, 'a'), (1, 'b'), (2, 'c');\n" +
        "CREATE MATERIALIZED VIEW hot AS SELECT b.auction % 10 AS bucket, count(*) AS bids, sum(b.price) AS volume\n" +
        "  FROM bids b JOIN shards s ON s.id = b.auction % 3 WHERE b.price > 10 GROUP BY b.auction % 10;",
    );
    expect(await page.locator("#results .error").count()).toBe(0);
    // completion knows the new stream's columns once the catalog is re-read
    await page.waitForSelector("body[data-completion-tables*='bids']", { state: "attached" });
    await typeSql("SELECT pri");
    await page.keyboard.press("Control+Space");
    await page.waitForSelector(".cm-tooltip-autocomplete");
    expect(await page.locator(".cm-tooltip-autocomplete li").allTextContents()).toContain("price");
    await page.keyboard.press("Escape");
    await typeSql("SELECT * FROM bi");
    await page.keyboard.press("Control+Space");
    await page.waitForSelector(".cm-tooltip-autocomplete");
    expect(await page.locator(".cm-tooltip-autocomplete li").allTextContents()).toContain("bids");
    await page.keyboard.press("Escape");

    await page.click("[data-tab='catalog']");
    await page.click("#catalog-list [data-object='hot']");
    await page.waitForSelector("#catalog-detail table");
    expect(await page.locator("#catalog-detail td").allTextContents()).toEqual(expect.arrayContaining(["bucket", "bids", "volume"]));
    expect(await page.locator("#catalog-detail .definition").textContent()).toContain("GROUP BY");

    await page.click("#catalog-detail button:has-text('Dataflow graph')");
    await page.waitForSelector("svg.dataflow [data-kind='operator']");
    const ops = await page.locator("svg.dataflow [data-kind='operator']").evaluateAll((els) => els.map((e) => e.getAttribute("data-node") ?? ""));
    // the plan's tree: aggregate over filter over a join of two change feeds, one per input
    expect(ops[0]).toBe("HashAggregate");
    expect(ops).toEqual(expect.arrayContaining(["Filter", "Hash Join"]));
    expect(ops.filter((o) => o.startsWith("ChangeFeed from bids")).length).toBe(1);
    expect(ops.filter((o) => o.startsWith("ChangeFeed from shards")).length).toBe(1);
    expect(await page.locator("svg.dataflow [data-kind='source']").evaluateAll((els) => els.map((e) => e.getAttribute("data-node")).sort())).toEqual(["bids", "shards"]);
    // one edge into each operator's parent, one into the view, one per input
    expect(await page.locator("svg.dataflow .edge").count()).toBe(ops.length + 2);
    // the source's rate is measured between refreshes and is above zero while nexmark runs
    const rate = page.locator("svg.dataflow [data-node='bids'] .rate");
    await expect.poll(async () => Number((await rate.getAttribute("data-rate")) || 0), { timeout: 10_000, interval: 250 }).toBeGreaterThan(0);
  });

  it("charts a view's column and watches it grow", async () => {
    await page.click("[data-tab='chart']");
    await page.selectOption("#chart-view", "hot");
    await page.waitForSelector("#chart-column option[value='bids']", { state: "attached" });
    await page.selectOption("#chart-column", "bids");
    await page.selectOption("#chart-aggregate", "sum");
    await page.click("#chart-start");
    const points = async () => Number((await page.locator("#chart-status").getAttribute("data-points")) ?? 0);
    await expect.poll(points, { timeout: 10_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    const last = async () => Number(await page.locator("#chart-status").getAttribute("data-last"));
    const first = await last();
    // (points can arrive in a burst before the first poll sees one: wait for more than there are now)
    const seen = await points();
    await expect.poll(points, { timeout: 10_000, interval: 200 }).toBeGreaterThanOrEqual(Math.max(3, seen + 1));
    await expect.poll(last, { timeout: 10_000, interval: 200 }).toBeGreaterThan(first);
    expect(await page.locator("#chart canvas").count()).toBeGreaterThan(0);
  });

  it("monitors sources and dataflows", async () => {
    await page.click("[data-tab='monitor']");
    const sources = page.locator("[data-section='Sources']");
    await sources.locator("td", { hasText: "nexmark" }).waitFor();
    const produced = async () => Number(await sources.locator("tbody tr", { hasText: "bids" }).locator("td").nth(2).textContent());
    const first = await produced();
    await expect.poll(produced, { timeout: 10_000, interval: 500 }).toBeGreaterThan(first);
    const hotRow = page.locator("[data-section='Dataflows'] tbody tr:has(td:nth-child(1):text-is('hot'))");
    expect(await hotRow.locator("td", { hasText: "HashAggregate" }).count()).toBe(1);
    // the live chart's SUBSCRIBE (still open) runs as a dataflow of its own over the view
    expect(await page.locator("[data-section='Dataflows'] tbody tr:has(td:nth-child(2):text-is('hot'))").count()).toBeGreaterThanOrEqual(1);
    // the checkpoint section is there (an in-memory database takes none: an empty table, no error)
    await page.locator("[data-section='Checkpoints'] th", { hasText: "duration_ms" }).waitFor();
    expect(await page.locator("[data-section='Checkpoints'] .error").count()).toBe(0);
  });

  it("shows an operator's backlog (backpressure) in the dataflow graph while a model answers slowly", async () => {
    const model = await ModelTestServer.start("openai", 8);
    try {
      await page.click("[data-tab='sql']");
      await runSql(
        `CREATE MODEL slow WITH (provider = 'openai', task = 'generation', endpoint = '${model.url}/v1', model = 'test', price_per_1k_input_tokens = 0.5, price_per_1k_output_tokens = 1.5);\n` +
          "CREATE STREAM asks (id INT, q TEXT);\nCREATE MATERIALIZED VIEW replies AS SELECT id, GENERATE(q, 'slow') AS a FROM asks;",
      );
      expect(await page.locator("#results .error").count()).toBe(0);
      await page.waitForSelector("#graph-view option[value='replies']", { state: "attached" });
      await page.click("[data-tab='graph']");
      await page.selectOption("#graph-view", "replies");
      await page.waitForSelector("svg.dataflow [data-kind='operator']");
      const maxQueued = () => page.locator("svg.dataflow [data-kind='operator']").evaluateAll((els) => Math.max(0, ...els.map((e) => Number(e.getAttribute("data-queued") ?? 0))));
      expect(await maxQueued()).toBe(0);
      model.script({ delayMs: 4000, then: "normal" as const });
      // eventual visibility: the INSERT returns while the model call is still out
      await http.db.connect().execute("SET visibility = 'eventual'; INSERT INTO asks VALUES (1, 'a'), (2, 'b')");
      await expect.poll(maxQueued, { timeout: 3000, interval: 100 }).toBe(2);
      expect(await page.locator("svg.dataflow .node.backpressure .rate").textContent()).toContain("queued 2");
      await page.screenshot({ path: join(shots, "studio-dataflow-backpressure.png"), fullPage: true });
      await expect.poll(maxQueued, { timeout: 8000, interval: 200 }).toBe(0);
      // the monitor's Models section shows what the answers cost (tokens × the model's prices)
      // the queue can drain before the last answer is metered: wait until both rows are counted
      const usage = async () => (await http.db.execute("SELECT rows, spend FROM sage_catalog.model_usage WHERE model = 'slow'"))[0].rows[0] ?? [0, 0];
      await expect.poll(async () => Number((await usage())[0]), { timeout: 8000, interval: 100 }).toBe(2);
      const spend = Number((await usage())[1]);
      expect(spend).toBeGreaterThan(0);
      await page.click("[data-tab='monitor']");
      const models = page.locator("[data-section='Models']");
      await models.locator("th", { hasText: "spend" }).waitFor();
      const spendColumn = (await models.locator("th").allTextContents()).indexOf("spend");
      const shown = async () => Number(await models.locator("tbody tr", { hasText: "slow" }).locator("td").nth(spendColumn).textContent());
      await expect.poll(shown, { timeout: 5000, interval: 200 }).toBeCloseTo(spend, 9);
    } finally {
      await model.close();
    }
  });

  it("logs in as a role with a password, runs a query, and charts a view live through SUBSCRIBE", async () => {
    // no role is trusted here: the page must ask (the first server's default role logs in by trust)
    const guarded = await startStudioHttp({ users: [{ name: "analyst", password: "pa55-w0rd", superuser: true }], hba: [{ host: "all", user: "all", method: "scram-sha-256" }], dataDir: true });
    // localhost, not 127.0.0.1: its own cookie jar, apart from the first server's session
    const url = guarded.url.replace("127.0.0.1", "localhost");
    const p2 = await browser.newPage();
    try {
      p2.on("pageerror", (e) => console.error("page error:", e.message));
      await p2.goto(url);
      await p2.waitForSelector("#login:not([hidden])");
      expect(await p2.locator("main").isVisible()).toBe(false);
      await p2.fill("#login input[name='user']", "analyst");
      await p2.fill("#login input[name='password']", "wrong");
      await p2.click("#login button[type='submit']");
      await expect.poll(() => p2.locator("#login-status").getAttribute("data-sqlstate")).toBe("28P01");
      await p2.fill("#login input[name='password']", "pa55-w0rd");
      await p2.click("#login button[type='submit']");
      await p2.waitForSelector("body[data-ready='1']");
      expect(await p2.locator("#user").textContent()).toBe("analyst");
      const cookies = await browser.cookies(url);
      expect(cookies.find((c) => c.name === "sage_session")).toMatchObject({ httpOnly: true, sameSite: "Strict" });

      await p2.click(".cm-content");
      await p2.keyboard.press("Control+A");
      await p2.keyboard.press("Delete");
      await p2.keyboard.insertText("CREATE TABLE readings (sensor INT, v BIGINT);\nCREATE MATERIALIZED VIEW totals AS SELECT sensor, sum(v) AS total FROM readings GROUP BY sensor;\nSELECT current_user AS who;");
      await p2.click("#run");
      await p2.waitForSelector("#results .timing");
      expect(await p2.locator("#results .error").count()).toBe(0);
      expect(await p2.locator("#results td").last().textContent()).toBe("analyst");

      await p2.click("[data-tab='chart']");
      await p2.selectOption("#chart-view", "totals");
      await p2.waitForSelector("#chart-column option[value='total']", { state: "attached" });
      await p2.selectOption("#chart-column", "total");
      await p2.click("#chart-start");
      const last = async () => Number((await p2.locator("#chart-status").getAttribute("data-last")) ?? NaN);
      // each insert is pushed to the chart (no polling: the page reads the SUBSCRIBE feed)
      for (const [i, v] of [[1, 5], [2, 7], [3, 30]] as const) {
        const sent = Date.now();
        await guarded.db.connect().execute(`INSERT INTO readings VALUES (${i}, ${v})`);
        const expected = [5, 12, 42][i - 1];
        await expect.poll(last, { timeout: 2000, interval: 25 }).toBe(expected);
        expect(Date.now() - sent).toBeLessThan(1500);
        await new Promise((r) => setTimeout(r, 30)); // separate change timestamps: one point each
      }
      expect(await p2.locator("#chart-status").getAttribute("data-feed")).toBe("subscribe");
      expect(Number(await p2.locator("#chart-status").getAttribute("data-points"))).toBeGreaterThanOrEqual(3);
      await p2.screenshot({ path: join(shots, "studio-login-live-chart-subscribe.png"), fullPage: true });

      // a checkpoint shows in the monitor with its epoch, duration and size
      await guarded.db.connect().execute("CHECKPOINT");
      await p2.click("[data-tab='monitor']");
      const checkpoint = p2.locator("[data-section='Checkpoints'] tbody tr").first();
      await checkpoint.waitFor();
      const header = await p2.locator("[data-section='Checkpoints'] th").allTextContents();
      const cells = await checkpoint.locator("td").allTextContents();
      const cell = (name: string) => cells[header.indexOf(name)];
      expect(Number(cell("epoch"))).toBeGreaterThan(0);
      expect(Number(cell("duration_ms"))).toBeGreaterThan(0);
      expect(Number(cell("bytes"))).toBeGreaterThan(0);
      expect(cell("ok")).toBe("true");
      await p2.screenshot({ path: join(shots, "studio-monitor-checkpoints.png"), fullPage: true });

      await p2.click("#logout");
      await p2.waitForSelector("#login:not([hidden])");
      expect((await browser.cookies(url)).find((c) => c.name === "sage_session")?.value ?? "").toBe("");
    } finally {
      await p2.close();
      await guarded.close();
    }
  });
});
