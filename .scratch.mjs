import usearch from "usearch";
const { Index, exactSearch } = usearch;
const N = 100000, D = 100, Q = 200;
let seed = 42; const rnd = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 4294967296; };
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const data = new Float32Array(N * D); for (let i = 0; i < data.length; i++) data[i] = gauss();
const qs = new Float32Array(Q * D); for (let i = 0; i < qs.length; i++) qs[i] = gauss();
const keys = BigUint64Array.from({ length: N }, (_, i) => BigInt(i));
let t = Date.now(); const exact = exactSearch(data, qs, D, 10, "cos", 0); console.log("exact ms", Date.now() - t);
function recall(idx, kq, k = 10) { let hit = 0; const t0 = performance.now(); for (let q = 0; q < Q; q++) { const m = idx.search(qs.subarray(q * D, (q + 1) * D), kq, 0); const got = new Set(Array.from(m.keys.slice(0, k))); const ex = exact.get(q).keys; for (const x of ex) if (got.has(x)) hit++; } return [(hit / (Q * k)).toFixed(3), (Q / ((performance.now() - t0) / 1000)).toFixed(0) + " qps"]; }
for (const [M, efc] of [[16, 128], [32, 128], [32, 256]]) {
  const idx = new Index({ dimensions: D, metric: "cos", connectivity: M, expansion_add: efc, expansion_search: 1 });
  const t0 = Date.now(); idx.add(keys, data, 0); const bt = Date.now() - t0;
  console.log("M", M, "efc", efc, "build ms", bt, ...[40, 128, 256, 512, 1024].map(ef => `ef ${ef}: ${recall(idx, ef).join(" ")}`));
}
