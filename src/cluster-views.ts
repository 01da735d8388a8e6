// Materialized views on workers, as a cluster coordinator sees them. In cluster mode a view over
// tables is a cluster JOB: its plan cut into fragments (planner/fragments.ts) at the view's
// parallelism, built on workers from the spec the leader stores in KV. The coordinator keeps a
// local COPY of every such view (its catalog relation, as on a single node), so ad-hoc SELECT,
// SUBSCRIBE, sinks and views on the view read it unchanged: the view's local dataflow is detached
// from its inputs, and the leader feeds its sink what the materialize partitions send, one epoch
// at a time, only once EVERY partition delivered that epoch AND the epoch is committed (so an
// epoch recomputed after a recovery is applied once). When it cannot go on in order (it just took
// over, or a committed epoch's changes are missing), the copy is rebuilt from the rows of every
// materialize partition restored from the committed epoch's checkpoint objects.

import type { Database } from "./database.js";
import type { Dataflow } from "./executor/index.js";
import { explainFragments, fragmentPlan, type FragmentGraph } from "./planner/index.js";
import {
  type Assignment,
  type Backbone,
  type ClusterJob,
  type CommittedEpoch,
  type CoordinatorObserver,
  type EpochChanges,
  type JobCatalog,
  decodeChunk,
  encodeJobSpec,
  fragmentJob,
  instanceKey,
  workerContext,
  restoreRows,
} from "./cluster/index.js";
import { Chunk, SqlError, SqlState } from "./types/index.js";

interface ViewJob {
  job: ClusterJob;
  graph: FragmentGraph;
  relationId: string;
  df: Dataflow;
  materialize: { id: number; parallelism: number };
  /** the last epoch applied to the copy, and the log sequence of its marker (once known) */
  applied: { epoch: number; seq: number };
  committed: CommittedEpoch | null;
  /** epoch -> partition -> Arrow chunk bytes (null: no changes), of the current generation */
  pending: Map<number, Map<number, Uint8Array | null>>;
  /** a rebuild is reading checkpoint objects: what arrives meanwhile waits */
  rebuilding: Promise<void> | null;
  /** the tables it reads (a write to one makes a reader wait for the copy) */
  inputs: readonly string[];
  /**
   * nothing checkpointed to rebuild from (a view just placed): the copy keeps what this process
   * computed until the first committed epoch, whose changes (the whole history) REPLACE it
   */
  replaceNext: boolean;
}

/** a view's job name: letters, digits and _ only (keys, object names and frames carry it) */
export function viewJobName(relationId: string): string {
  return `v_${relationId.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** a membership is `<worker id>@<join time>` (cluster/worker.ts) */
function workerOfMember(member: string): string {
  const at = member.lastIndexOf("@");
  return at < 0 ? member : member.slice(0, at);
}

export class ClusterViews implements JobCatalog, CoordinatorObserver {
  private readonly views = new Map<string, ViewJob>();
  private currentGeneration = 0;
  private leadingTerm = 0;
  private readonly appliedListeners = new Set<() => void>();
  /** table id -> the input-log sequence of the last write to it this replica applied */
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly backbone: Backbone,
    private readonly log: (event: string, fields: Record<string, unknown>) => void = () => {},
    /** whether the cluster has workers now: until it does, views run here as on one node */
    private readonly hasWorkers: () => boolean = () => true,
    /** someone waits for the copies: ask the leader for a barrier now (ClusterCoordinator.requestBarrier) */
    private readonly hurry: () => void = () => {},
  ) {}

  // ---- the jobs, from the catalog

  /** the views that run on workers now: every materialized view over tables only, once the cluster has workers */
  current(): readonly ClusterJob[] {
    const live = new Set<string>();
    for (const entry of this.db.catalog.listRelations("materialized_view")) {
      const name = viewJobName(entry.id);
      live.add(name);
      if (this.views.has(name) || !this.hasWorkers()) continue;
      const df = this.db.streams.get(entry.id);
      const inputs = (entry.dependsOn ?? []).map((id) => this.db.catalog.relationById(id));
      if (df === undefined || inputs.length === 0 || inputs.some((r) => r?.kind !== "table")) continue;
      // a temporal filter's clock is its barriers' epoch, wall-clock ms on one node but a counter on
      // workers (the cluster's markers carry no time yet): such a view runs here, as on one node
      if (df.readsClock) continue;
      const graph = fragmentPlan(df.plan, entry.parallelism ?? 1, { primaryKey: (id) => this.db.catalog.relationById(id)?.primaryKey });
      const settings = { timeZone: "UTC", user: entry.owner ?? "sage", database: this.db.name };
      const job: ClusterJob = { ...fragmentJob(name, graph, workerContext(settings)), spec: encodeJobSpec(name, graph, settings) };
      const m = graph.fragments.find((f) => f.output === "materialize")!;
      // from here on the copy changes only through what the workers computed
      df.detachInputs();
      const view: ViewJob = { job, graph, relationId: entry.id, df, materialize: { id: m.id, parallelism: m.parallelism }, applied: { epoch: 0, seq: 0 }, committed: null, pending: new Map(), rebuilding: null, inputs: inputs.map((r) => r!.id), replaceNext: false };
      this.views.set(name, view);
      this.log("cluster_view", { view: `${entry.schema}.${entry.name}`, job: name, fragments: graph.fragments.length });
    }
    let dropped = false;
    for (const name of [...this.views.keys()]) {
      if (live.has(name)) continue;
      this.views.delete(name);
      dropped = true;
    }
    // a reader or FLUSH waiting for a dropped view waits no more
    if (dropped) this.notifyApplied();
    return [...this.views.values()].map((v) => v.job);
  }

  async forAssignment(a: Assignment): Promise<readonly ClusterJob[]> {
    return this.current().filter((j) => a.placement[j.view] !== undefined);
  }

  /** the running jobs with their graphs (sage_catalog.fragments) */
  running(): { relationId: string; view: string; graph: FragmentGraph }[] {
    return [...this.views.entries()].map(([view, v]) => ({ relationId: v.relationId, view, graph: v.graph }));
  }

  /**
   * sage_catalog.fragments: per view and fragment, its operators (plan order), parallelism and
   * the worker running each partition in the current assignment (null: not placed yet).
   */
  fragmentRows(assignment: Assignment | null): unknown[][] {
    const out: unknown[][] = [];
    for (const [name, v] of this.views) {
      const entry = this.db.catalog.relationById(v.relationId);
      if (entry === undefined) continue;
      const blocks = explainFragments(v.graph, entry.name).join("\n").split(/^Fragment /m).slice(1);
      for (const f of v.graph.fragments) {
        const block = blocks[v.graph.fragments.indexOf(f)] ?? "";
        const operators = block
          .split("\n")
          .slice(1)
          .filter((l) => !/^\s*(Output|Input):/.test(l) && l.trim() !== "")
          .map((l) => /^[\s\->]*([A-Za-z][A-Za-z ]*?)(?:\s*[(:]|$)/.exec(l)?.[1] ?? l.trim());
        const owners = assignment?.placement[name]?.[String(f.id)];
        const placement = owners === undefined ? null : owners.map(workerOfMember).join(",");
        out.push([`${entry.schema}.${entry.name}`, f.id, operators.join(", "), f.parallelism, placement]);
      }
    }
    return out;
  }

  /** whether a relation's contents come from workers */
  isClusterView(relationId: string): boolean {
    return this.views.has(viewJobName(relationId));
  }

  // ---- the leader's gather

  leading(term: number): void {
    this.leadingTerm = term;
  }

  steppedDown(): void {
    this.leadingTerm = 0;
    for (const v of this.views.values()) v.pending.clear();
  }

  tookOver(committed: ReadonlyMap<string, CommittedEpoch>): void {
    for (const [view, record] of committed) {
      const v = this.views.get(view);
      if (v === undefined) continue;
      v.committed = record;
      this.rebuild(v, record);
    }
  }

  generation(a: Assignment): void {
    this.currentGeneration = a.generation;
    for (const v of this.views.values()) v.pending.clear();
  }

  changes(c: EpochChanges): void {
    const v = this.views.get(c.view);
    if (v === undefined || c.generation !== this.currentGeneration || c.epoch <= v.applied.epoch) return;
    let parts = v.pending.get(c.epoch);
    if (parts === undefined) v.pending.set(c.epoch, (parts = new Map()));
    parts.set(c.partition, c.changes);
    this.advance(v);
  }

  committed(view: string, record: CommittedEpoch): void {
    const v = this.views.get(view);
    if (v === undefined) return;
    v.committed = record;
    this.advance(v);
  }

  /** applies committed epochs in order while every partition's changes are here; rebuilds when some never will be */
  private advance(v: ViewJob): void {
    const c = v.committed;
    if (c === null || v.rebuilding !== null || this.leadingTerm === 0) return;
    let moved = false;
    while (v.applied.epoch < c.epoch) {
      const e = v.applied.epoch + 1;
      const parts = v.pending.get(e);
      if (parts === undefined || parts.size < v.materialize.parallelism) break;
      const chunks = [...parts.values()].flatMap((bytes) => (bytes === null ? [] : [decodeChunk(bytes)]));
      if (v.replaceNext) {
        v.replaceNext = false;
        this.replaceCopy(v, chunks);
      } else for (const chunk of chunks) v.df.sink.push(0, { kind: "chunk", chunk });
      v.pending.delete(e);
      v.applied.epoch = e;
      moved = true;
    }
    if (v.applied.epoch === c.epoch) v.applied.seq = c.seq;
    if (moved) this.publish(v);
    // the changes of a committed epoch travel before its acks: missing ones will not come (an older generation's)
    if (v.applied.epoch < c.epoch) this.rebuild(v, c);
    if (moved) this.notifyApplied();
  }

  /** replaces the copy with the rows of every materialize partition at `record`'s epoch */
  private rebuild(v: ViewJob, record: CommittedEpoch): void {
    if (v.rebuilding !== null) return;
    // nothing checkpointed yet (a view just placed starts at the epoch it was placed at): the copy
    // keeps what this process holds until the first committed epoch replaces it, so a reader never
    // sees it empty meanwhile (one waiting for a write is held until that epoch)
    if (Object.keys(record.objects).length === 0) {
      v.replaceNext = true;
      v.applied = { epoch: record.epoch, seq: record.seq };
      for (const e of [...v.pending.keys()]) if (e <= record.epoch) v.pending.delete(e);
      this.notifyApplied();
      return;
    }
    v.rebuilding = (async () => {
      const rows: Chunk[] = [];
      for (let p = 0; p < v.materialize.parallelism; p++) {
        const links = record.objects[instanceKey(v.materialize.id, p)];
        if (links === undefined) throw new Error(`checkpoint of ${v.job.view} partition ${p} at epoch ${record.epoch} is missing`);
        const instance = v.job.createInstance(v.materialize.id, p, () => {});
        await restoreRows(instance, v.job.view, v.materialize.id, p, links, this.backbone.objects);
        rows.push(...instance.rows());
      }
      this.replaceCopy(v, rows);
      v.replaceNext = false;
      v.applied = { epoch: record.epoch, seq: record.seq };
      for (const e of [...v.pending.keys()]) if (e <= record.epoch) v.pending.delete(e);
      this.log("cluster_view_rebuilt", { job: v.job.view, epoch: record.epoch, rows: rows.reduce((n, c) => n + c.length, 0) });
    })()
      .catch((e: unknown) => this.log("cluster_view_rebuild_failed", { job: v.job.view, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        v.rebuilding = null;
        this.notifyApplied();
        if (v.committed !== null && v.committed.epoch > v.applied.epoch) this.advance(v);
      });
  }

  /** the copy's net change: every row it holds out, `rows` in (its subscribers see the difference) */
  private replaceCopy(v: ViewJob, rows: readonly Chunk[]): void {
    const entry = this.db.catalog.relationById(v.relationId);
    if (entry === undefined) return;
    const columns = entry.columns.map((_, i) => i);
    const types = entry.columns.map((c) => c.type);
    const held = [...this.db.scan(v.relationId, columns)].flatMap((c) => c.rows());
    if (held.length > 0) v.df.sink.push(0, { kind: "chunk", chunk: Chunk.fromRows(types, held, held.map(() => -1)) });
    for (const c of rows) if (c.length > 0) v.df.sink.push(0, { kind: "chunk", chunk: c });
    this.publish(v);
  }

  /** ends a local epoch: the copy's changes reach views on it and SUBSCRIBE */
  private publish(v: ViewJob): void {
    v.df.changedSinceSnapshot = true;
    this.db.streams.barrier(true);
  }

  private notifyApplied(): void {
    for (const l of [...this.appliedListeners]) l();
  }

  /** the replica applied a write to a table at `seq` (views on workers reading it are behind until an epoch after it) */
  wrote(relationId: string, seq: number): void {
    this.lastWrite.set(relationId, seq);
  }

  /**
   * FLUSH: waits until every cluster view's copy holds an epoch whose marker follows `seq` in the
   * input log (every write acknowledged before is in it), or fails after `timeoutMs`.
   */
  async caughtUp(seq: number, timeoutMs = 60_000): Promise<void> {
    this.current();
    await this.waitFor(() => [...this.views.values()].filter((v) => v.applied.seq < seq), "FLUSH", timeoutMs);
  }

  /**
   * Read-your-writes for a query reading `relationIds` (visibility = 'strong'): waits until each
   * view on workers it reads, directly or through views and views on views, holds every write to
   * its tables that this replica applied before the query (as a single node, where a write is in
   * every view once it returns). Views no write reached since their last epoch are read at once.
   */
  async readable(relationIds: Iterable<string>, timeoutMs = 60_000): Promise<void> {
    this.current();
    const targets = new Map<ViewJob, number>();
    const seen = new Set<string>();
    const visit = (id: string): void => {
      if (seen.has(id)) return;
      seen.add(id);
      const v = this.views.get(viewJobName(id));
      if (v === undefined) {
        for (const d of this.db.catalog.relationById(id)?.dependsOn ?? []) visit(d);
        return;
      }
      const target = Math.max(0, ...v.inputs.map((t) => this.lastWrite.get(t) ?? 0));
      if (target > v.applied.seq || v.rebuilding !== null) targets.set(v, target);
    };
    for (const id of relationIds) visit(id);
    if (targets.size === 0) return;
    await this.waitFor(() => [...targets].filter(([v, target]) => this.views.get(v.job.view) === v && (v.applied.seq < target || v.rebuilding !== null)).map(([v]) => v), "reading", timeoutMs);
  }

  private async waitFor(behind: () => ViewJob[], what: string, timeoutMs: number): Promise<void> {
    if (behind().length === 0) return;
    this.hurry();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.appliedListeners.delete(check);
        const names = behind().map((v) => this.db.catalog.relationById(v.relationId)?.name ?? v.job.view);
        reject(new SqlError(SqlState.QueryCanceled, `${what}: the views ${names.join(", ")} on workers did not catch up with the input log within ${timeoutMs} ms`, { hint: "Check sage_catalog.workers: views on workers advance only while workers run (SET visibility = eventual reads them as they are)." }));
      }, timeoutMs);
      const check = () => {
        if (behind().length > 0) return;
        clearTimeout(timer);
        this.appliedListeners.delete(check);
        resolve();
      };
      this.appliedListeners.add(check);
    });
  }
}
