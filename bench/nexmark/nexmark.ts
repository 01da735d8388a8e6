import type { BenchModule } from "../lib/harness.js";
export const nexmarkModule: BenchModule = { name: "nexmarkModule", description: "todo", cases: [] };
