// Fencing a deposed leader: two coordinators' replicas in one process on a real nats-server. The
// leader stops renewing its lease (as if paused) while it still believes it leads; the standby
// takes over. A write the old leader then appends carries its old term: every replica (its own
// included) ignores it, its client gets an error, and both databases stay equal. (A 6 s lease:
// the two replicas share one event loop, which a loaded machine can stall for seconds.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsServer } from "./nats-server.js";
import { InProcessReplicas, until } from "./cluster/in-process-replicas.js";

describe("a deposed coordinator", () => {
  let nats: NatsServer;
  let replicas: InProcessReplicas;

  beforeAll(async () => {
    nats = await NatsServer.start();
    replicas = new InProcessReplicas(nats, "fence");
  });
  afterAll(async () => {
    await replicas?.close();
    await nats?.destroy();
  });

  const coordinator = (name: string) => replicas.coordinator(name, 6000);

  it("cannot change anything once its successor has taken over", async () => {
    const a = await coordinator("a:1");
    await until("a leading", () => a.replica.status().role === "leader");
    const b = await coordinator("b:2");
    expect(b.replica.status().role).toBe("standby");
    await a.db.execute("CREATE TABLE t (id int)");
    await a.db.execute("INSERT INTO t VALUES (1)");
    await until("b applied", () => b.replica.status().appliedSeq === a.replica.status().appliedSeq);
    expect((await b.db.execute("SELECT id FROM t"))[0].rows).toEqual([[1]]);
    // a standby refuses clients (57P03, naming the leader); internal sessions still read
    expect(() => b.db.connect({ user: "sage", login: true })).toThrow(/standby; the leader is a:1/);

    // a is "paused": it stops renewing but still believes it leads
    // (its coordinator's ticks stop, leadership kept: the lease is not renewed)
    (a.replica.coordinator as unknown as { closed: boolean }).closed = true;
    await until("b leading", () => b.replica.status().role === "leader");
    expect(a.replica.status().role).toBe("leader");
    const termA = a.replica.status().term;
    const termB = b.replica.status().term;
    expect(termB).toBeGreaterThan(termA);

    await expect(a.db.execute("INSERT INTO t VALUES (2)")).rejects.toMatchObject({ code: "08006", message: expect.stringMatching(/deposed/) });
    await b.db.execute("INSERT INTO t VALUES (3)");
    await until("a applied b's write", () => a.replica.status().appliedSeq === b.replica.status().appliedSeq);
    const onA = (await a.db.execute("SELECT id FROM t ORDER BY id"))[0].rows;
    const onB = (await b.db.execute("SELECT id FROM t ORDER BY id"))[0].rows;
    expect(onB).toEqual([[1], [3]]);
    expect(onA).toEqual(onB);
  }, 40_000);
});
