// A view's job as it travels to workers: its fragment graph (planner/fragments.ts, JSON with SQL
// values tagged) and the session settings its expressions evaluate under. The leader stores it in
// the cluster's KV (`job/<view>`) when it first places the view; a worker builds the view's
// FragmentInstances from it. A worker has no catalog: the fragments read change feeds only, so
// the relations the instances could scan are refused.

import type { Backbone, KeyValueBucket } from "./backbone.js";
import type { ClusterJob } from "./cluster-job.js";
import { type Assignment, BUCKET_CLUSTER, decodeRecord, encodeRecord, jobKey } from "./cluster-records.js";
import { fragmentJob } from "./fragment-job.js";
import type { JobCatalog } from "./node-env.js";
import type { ExecutionContext } from "../executor/message.js";
import { decodeFragmentGraph, encodeFragmentGraph, type FragmentGraph } from "../planner/index.js";
import { SqlError, SqlState } from "../types/index.js";

export interface JobSpec {
  view: string;
  /** encodeFragmentGraph's text */
  graph: string;
  /** what the view's expressions read of the session that created it */
  settings: { timeZone: string; user: string; database: string };
}

export function encodeJobSpec(view: string, graph: FragmentGraph, settings: JobSpec["settings"]): Uint8Array {
  return encodeRecord({ view, graph: encodeFragmentGraph(graph), settings } satisfies JobSpec);
}

/** the context a worker's instances evaluate in */
export function workerContext(settings: JobSpec["settings"]): ExecutionContext {
  return {
    relations: {
      scan(relation) {
        throw new SqlError(SqlState.FeatureNotSupported, `a worker cannot scan relation ${relation}: views on workers read change feeds only`);
      },
    },
    params: [],
    eval: { now: Date.now() * 1000, timeZone: settings.timeZone, random: Math.random, user: settings.user, sessionUser: settings.user, database: settings.database },
  };
}

export function jobFromSpec(bytes: Uint8Array): ClusterJob {
  const spec = decodeRecord<JobSpec>(bytes);
  return { ...fragmentJob(spec.view, decodeFragmentGraph(spec.graph), workerContext(spec.settings)), spec: bytes };
}

/** A worker's jobs: built from the specs in KV, once per view (a view's spec never changes under its name). */
export class StoredJobCatalog implements JobCatalog {
  private readonly built = new Map<string, ClusterJob>();

  private bucket: KeyValueBucket | null = null;

  constructor(private readonly backbone: Backbone) {}

  current(): readonly ClusterJob[] {
    return [...this.built.values()];
  }

  async forAssignment(a: Assignment): Promise<readonly ClusterJob[]> {
    this.bucket ??= await this.backbone.bucket(BUCKET_CLUSTER);
    const bucket = this.bucket;
    const jobs: ClusterJob[] = [];
    for (const view of Object.keys(a.placement)) {
      let job = this.built.get(view);
      if (job === undefined) {
        const entry = await bucket.get(jobKey(view));
        if (entry === null) throw new Error(`the spec of view ${view} is not in the cluster's KV`);
        job = jobFromSpec(entry.value);
        this.built.set(view, job);
      }
      jobs.push(job);
    }
    for (const view of [...this.built.keys()]) if (a.placement[view] === undefined) this.built.delete(view);
    return jobs;
  }
}
