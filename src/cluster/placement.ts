// Spreads every (fragment, partition) of every view over the live members, round-robin in a fixed
// order, so each member runs about the same number of instances and the result depends only on
// the member list (any coordinator computes the same placement).

import type { ClusterJob } from "./cluster-job.js";

export function placeInstances(jobs: readonly ClusterJob[], members: readonly string[]): Record<string, Record<string, string[]>> {
  const sorted = [...members].sort();
  const placement: Record<string, Record<string, string[]>> = {};
  let next = 0;
  for (const job of jobs) {
    const byFragment: Record<string, string[]> = {};
    for (const f of job.fragments) {
      const owners: string[] = [];
      for (let p = 0; p < f.parallelism; p++) owners.push(sorted[next++ % sorted.length]);
      byFragment[String(f.id)] = owners;
    }
    placement[job.view] = byFragment;
  }
  return placement;
}
