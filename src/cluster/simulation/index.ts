// The deterministic simulation of the cluster protocol (see run-simulation.ts).
export { runSimulation, keyedSumSetup, compareRows, SIM_TIMING, type SimulationSetup, type SimulationOptions, type SimulationResult, type ScriptedFault } from "./run-simulation.js";
export { keyedSumJob, keyedSumAnswer } from "./keyed-sum-job.js";
export type { SimTable } from "./sim-workload.js";
