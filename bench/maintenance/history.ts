import type { BenchModule } from "../lib/harness.js";
export const historyModule: BenchModule = { name: "historyModule", description: "todo", cases: [] };
