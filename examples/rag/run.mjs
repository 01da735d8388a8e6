// Runs examples/rag/rag.sql end to end against a local OpenAI-compatible test server (it answers
// "echo: <prompt>", so the printed answers show the prompt GENERATE sent, context included).
//   npx tsc -p tsconfig.json && node examples/rag/run.mjs

import { readFileSync } from "node:fs";
import { Database, formatValue } from "../../dist/src/index.js";
import { ModelTestServer } from "../../dist/src/ai/testing/model-test-server.js";

const server = await ModelTestServer.start("openai");
const db = await Database.open({ memory: true });
try {
  const sql = readFileSync(new URL("./rag.sql", import.meta.url), "utf8").replaceAll("{{endpoint}}", `${server.url}/v1`);
  for (const r of await db.execute(sql)) {
    if (r.columns.length === 0) {
      console.log(r.command);
      continue;
    }
    console.log(r.columns.map((c) => c.name).join(" | "));
    for (const row of r.rows) console.log(row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join(" | "));
  }
} finally {
  await db.close();
  await server.close();
}
