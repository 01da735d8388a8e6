// Coordinators' replicas in one process on a real nats-server (the fencing and statements tests):
// each gets its own backbone connection, in-memory Database and LogReplica; close() stops them all.
import { connectBackbone, Database, LogReplica, ReplicaPosition, type Backbone } from "../../src/index.js";
import type { NatsServer } from "../nats-server.js";

export interface InProcessCoordinator {
  db: Database;
  replica: LogReplica;
  backbone: Backbone;
}

export class InProcessReplicas {
  readonly started: InProcessCoordinator[] = [];

  constructor(
    private readonly nats: NatsServer,
    private readonly cluster: string,
  ) {}

  /** A coordinator answering to `address`, started (it races for the lease). */
  async coordinator(address: string, leaseTtlMs: number): Promise<InProcessCoordinator> {
    const backbone = await connectBackbone(this.nats.url, { cluster: this.cluster });
    const position = new ReplicaPosition();
    const db = await Database.open({ memory: true, replicaPosition: position });
    const replica = new LogReplica(db, backbone, position, { address: () => address, leaseTtlMs });
    await replica.start();
    const c = { db, replica, backbone };
    this.started.push(c);
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.started) await c.replica.close();
    for (const c of this.started) await c.backbone.close();
    for (const c of this.started) await c.db.close();
  }
}

/** Polls `cond` every 50 ms until it holds; past `ms`, fails naming `what`. */
export async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
