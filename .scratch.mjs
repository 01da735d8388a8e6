import { VectorIndex } from "./dist/src/ai/vector-index.js";
import { writeFileSync } from "node:fs";
const d = 12; const data = new Float32Array(500 * d).map(() => Math.random());
const index = new VectorIndex({ dims: d, metric: "ip", efSearch: 100 });
index.addBatch(Array.from({ length: 500 }, (_, i) => BigInt(i) - 250n), data);
console.log("size", index.size);
index.save("/tmp/idx.usearch");
const back = VectorIndex.open("/tmp/idx.usearch", { dims: 12, metric: "ip", efSearch: 100 });
console.log("back", back.size);
try { VectorIndex.open("/tmp/idx.usearch", { dims: 13, metric: "ip" }); } catch (e) { console.log("dims13:", e.message); }
writeFileSync("/tmp/junk.usearch", "not an index");
console.log("junk...");
try { VectorIndex.open("/tmp/junk.usearch", { dims: 12, metric: "ip" }); } catch (e) { console.log("junk:", e.message); }
try { VectorIndex.open("/tmp/missing.usearch", { dims: 12, metric: "ip" }); } catch (e) { console.log("missing:", e.message); }
