import type { BenchModule } from "../lib/harness.js";
export const latencyModule: BenchModule = { name: "latencyModule", description: "todo", cases: [] };
