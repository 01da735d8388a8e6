// A view's plan cut into fragments (planner/fragments.ts) as the job the cluster schedules: each
// (fragment, partition) is an executor FragmentInstance, whose surface is the cluster's
// ClusterInstance already.

import { FragmentInstance } from "../executor/index.js";
import type { ExecutionContext } from "../executor/message.js";
import { type FragmentGraph, injectsBarriers } from "../planner/index.js";
import type { ClusterJob } from "./cluster-job.js";

export function fragmentJob(view: string, graph: FragmentGraph, ctx: ExecutionContext): ClusterJob {
  return {
    view,
    fragments: graph.fragments.map((f) => ({
      id: f.id,
      parallelism: f.parallelism,
      sources: [...f.sources],
      injectsBarriers: injectsBarriers(f),
      output: f.output === "materialize" ? "materialize" : f.output.exchange,
    })),
    exchanges: graph.exchanges.map((e) => ({ id: e.id, from: e.from, to: e.to })),
    createInstance: (fragment, partition, emit) => new FragmentInstance(graph, fragment, partition, ctx, emit),
  };
}
