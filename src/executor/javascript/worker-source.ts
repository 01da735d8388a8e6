// The code a JavaScript-function worker thread runs (passed to `new Worker(..., { eval: true })`
// so it needs no separate file in src/ and dist/). It compiles each function body once, calls it
// per row (scalar) or per argument set (table), catches each row's error separately, and replies
// on its MessagePort, then wakes the caller that waits on the shared flag (Atomics), which is what
// lets the executor call it synchronously inside an expression kernel with a time limit.

export const WORKER_SOURCE = String.raw`
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
const compiled = new Map();

function messageOf(e) {
  if (e instanceof Error) return e.message;
  try { return String(e); } catch { return "a value that cannot be printed was thrown"; }
}

function compile(m) {
  let f = compiled.get(m.key);
  if (f === undefined) {
    f = new Function(...m.params, m.body);
    compiled.set(m.key, f);
  }
  return f;
}

function run(m) {
  const f = compile(m);
  const cols = m.args;
  const nargs = cols.length;
  const call = new Array(nargs);
  const argsAt = (i) => {
    for (let p = 0; p < nargs; p++) call[p] = cols[p][i];
    return call;
  };
  if (m.kind === "scalar") {
    const values = new Array(m.count);
    const errors = [];
    for (let i = 0; i < m.count; i++) {
      try {
        const v = f.apply(null, argsAt(i));
        values[i] = v === undefined ? null : v;
      } catch (e) {
        values[i] = null;
        errors.push([i, messageOf(e)]);
      }
    }
    return { values, errors };
  }
  // table: one result set per argument set; a row is an array, an object (by column name) or a value
  const sets = [];
  const errors = [];
  for (let i = 0; i < m.count; i++) {
    try {
      const out = f.apply(null, argsAt(i));
      const rows = [];
      if (out !== null && out !== undefined) {
        for (const r of out) {
          if (Array.isArray(r)) rows.push(r);
          else if (r !== null && typeof r === "object") rows.push(m.columns.map((c) => (r[c] === undefined ? null : r[c])));
          else rows.push([r === undefined ? null : r]);
        }
      }
      sets.push(rows);
    } catch (e) {
      sets.push([]);
      errors.push([i, messageOf(e)]);
    }
  }
  return { values: sets, errors };
}

parentPort.on("message", (m) => {
  let reply;
  try {
    reply = run(m);
  } catch (e) {
    reply = { fatal: messageOf(e) };
  }
  try {
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ fatal: "the function returned a value that cannot leave the worker: " + messageOf(e) });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;
