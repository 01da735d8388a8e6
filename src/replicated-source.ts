// Sources (generators, files, NATS) in cluster mode. Every coordinator replica creates a source's
// runner when it applies the CREATE, but only the LEADER reads: what it reads is not applied
// directly but appended to the cluster's input log as a write (an insert of the rows, so workers
// see it like any INSERT) that carries the source's position after the batch (NATS stream
// sequence, generator offset, file offset) in the same message. Every replica, the leader's
// included, applies that message through the runner's applyReplicated: the rows go into the
// relation and the position becomes the runner's own (logged locally with the message's
// sequence, so a restart resumes there). A standby that takes over therefore resumes each source
// exactly after the last position in the log it applied: nothing read before is read again,
// nothing after is skipped. External acknowledgements (a JetStream consumer's ack) happen only
// after the leader's replica applied the message, i.e. after the log stored it.
//
// On a single node none of this applies: runners apply and log their batches themselves.

import type { Database } from "./database.js";
import type { SourceTask } from "./source-task.js";
import { appendChunkTo } from "./relation-append.js";
import type { Chunk } from "./types/index.js";

/** whether `db`'s sources hand their batches to the input log (cluster mode) instead of applying them */
export function sourcesReplicated(db: Database): boolean {
  return db.cluster.root.replication !== null;
}

/** whether sources read in this process now: always on a single node, on the leader only in cluster mode */
export function sourcesRunHere(db: Database): boolean {
  const r = db.cluster.root.replication;
  return r === null || r.leads();
}

/** Starts a new source's runner once recovery is done, in cluster mode only while this process leads. */
export function startSource(db: Database, runner: SourceTask): void {
  db.whenRecovered(() => {
    if (sourcesRunHere(db)) runner.start();
  });
}

/**
 * The leader's half: appends a batch and its position to the input log and resolves once this
 * process's replica applied it (08006 when the log is away, the deposed leader's error when
 * fenced). The caller acknowledges upstream only after this resolved.
 */
export function handOverBatch(db: Database, relation: string, chunks: readonly Chunk[], position: unknown): Promise<void> {
  const r = db.cluster.root.replication;
  if (r === null) throw new Error("handOverBatch outside cluster mode");
  return r.appendSourceBatch(db, relation, chunks, position);
}

/**
 * A replica's half for sources whose batches are plain rows (generators, files): the rows are
 * appended and logged as write records (a file may not exist on this host, a generator need not
 * be re-run), then the position as a `source` record, which local recovery restores with
 * restorePosition; the changes (and a new watermark) are published as one epoch.
 */
export function applyRowBatch(db: Database, relation: string, chunks: readonly Chunk[], position: unknown, runner: SourceTask): void {
  let watermark: unknown = undefined;
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    const r = appendChunkTo(db, relation, chunk, true);
    if (r.watermark !== undefined) watermark = r.watermark;
  }
  db.log([{ t: "source", rel: relation, n: 0, position }]);
  runner.restorePosition(position);
  db.publishChanges(relation, [], [], watermark);
}

/** Cluster mode: this process leads now (start every source) or stopped leading (halt them). */
export function leadSources(db: Database, leading: boolean): void {
  for (const engine of db.cluster.all()) {
    for (const runner of engine.sourceRunners().values()) {
      if (leading) runner.start();
      else runner.halt();
    }
  }
}
