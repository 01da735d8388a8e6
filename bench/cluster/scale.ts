// The cluster-scale module: Nexmark through a real cluster against a single node, and recovery
// after a worker kill -9 against state size. The scaling projection to 8/32/128 workers built on
// these figures and exchange.ts's is text in bench/findings.md ("Cluster"), labelled as such.
import type { BenchModule } from "../lib/harness.js";
import { nexmarkClusterCase } from "./nexmark-cluster.js";
import { recoveryClusterCase } from "./recovery-cluster.js";
import { checkpointBytesCase } from "./checkpoint-bytes.js";

export const clusterScaleModule: BenchModule = {
  name: "cluster-scale",
  description: "Nexmark q0/q5/q7 through a real cluster (nats-server, coordinator, 1 or 2 workers; 2-core machine) as ratios to a single node; recovery time after a worker kill -9 against state size; bytes per incremental checkpoint after a small change",
  cases: [nexmarkClusterCase, recoveryClusterCase, checkpointBytesCase],
};
