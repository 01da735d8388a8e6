// A session: one client's connection state (settings, the read-your-writes position later) and
// the statement dispatcher that turns each parsed statement into a result.

import type * as A from "./parser/index.js";
import { parse } from "./parser/index.js";
import type { Database, SessionOptions } from "./database.js";
import { ChangeCollector, compileExpr, runQuery, runQueryYielding, type AiLookup, type ExecutionContext } from "./executor/index.js";
import { startDataflow, throwIfStopped } from "./continuous-query.js";
import { Subscription } from "./executor/index.js";
import { replicatesAsText } from "./statement-replication.js";
import { applyPlannedWrite, type AppliedWrite, type PlannedWrite } from "./planned-write.js";
import { durableFeed } from "./durable-feed.js";
import { QueryContext, bindDelete, bindInsert, bindQuery, bindUpdate, explainDataflow, explainPlan, pruneColumns, useKeyLookups, type BinderEnv, type PhysicalPlan, type WritePlan } from "./planner/index.js";
import type { StatementResult, ResultColumn } from "./types/index.js";
import { SessionSettings, memoryBytes } from "./settings.js";
import { continuousPlan, executeDdl, isDdl, isEowcStatement, optionMap } from "./ddl.js";
import { showStatement } from "./show.js";
import { createSecretStatement, modelOptionMap } from "./secrets.js";
import { Chunk, SqlError, SqlState, Types, toPositionedSqlError, toSqlError, type DataType } from "./types/index.js";
import { statementInterrupt } from "./statement-interrupt.js";
import { ParsedStatements } from "./parsed-statements.js";
import { type BoundSelect, BoundSelects } from "./bound-selects.js";
import { executeRoleDdl, isRoleDdl } from "./role-ddl.js";
import { executeDatabaseDdl, isDatabaseDdl } from "./database-ddl.js";
import { admitSession } from "./role-login.js";
import { sessionAiBudget } from "./ai-budget.js";
import type { CallBudget } from "./ai/index.js";
import { parameterValues, prepareStatement, type PreparedShape } from "./prepared-statement.js";
import { copyWithFile } from "./copy-file.js";
import type { JobSnapshot } from "./jobs.js";
import { INSERT_JOB_QUIET_MS, cancelJob, insertReadsQuery, openJob, runAsJob } from "./job-statements.js";
import type { Job } from "./jobs.js";
import { flushSinks } from "./sink.js";
import { executeCdcStatement, isCdcStatement } from "./cdc-source.js";
import { explainAnalyzeStatement } from "./explain-analyze.js";
import { explainLogicalStatement } from "./explain-logical.js";
import { explainFragmentsStatement } from "./explain-fragments.js";
import { checkStatement, checkWrite, readAccess } from "./access-checks.js";
import { isSuperuser } from "./privileges.js";
import { privilegeInquiry } from "./privilege-inquiry.js";
import { executeGrant } from "./grant.js";
import { alterDefaultPrivileges } from "./default-privileges.js";
import { alterOwner, creatingRole, recordOwnership, setRole } from "./ownership.js";
import { auditStatement, guardAuditLog } from "./audit-log.js";
import { redactQuoted } from "./statement-redaction.js";

export interface RunOptions {
  /** the types of `$1`, `$2`, ... the caller declares (others are inferred while binding) */
  paramTypes?: (DataType | undefined)[];
  /** aborted by the client's cancel request: the running statement stops with 57014 */
  signal?: AbortSignal;
}

export class Session {
  readonly settings = new SessionSettings();
  private inTransaction = false;
  /** this session wrote since its last read waited for the views (read-your-writes, see readYourWrites) */
  private wroteSinceRead = false;
  /** set by a front end (the REPL) that shows the progress of this session's jobs (COPY, view backfill) */
  reportProgress: ((job: JobSnapshot) => void) | undefined = undefined;
  /** an error happened inside the transaction block: statements are refused until it ends */
  private transactionFailed = false;
  private readonly parsed = new ParsedStatements();
  private readonly boundSelects = new BoundSelects();
  /** the running statement's cancel / statement_timeout check (see statement-interrupt.ts) */
  private interrupt: (() => boolean | string) | undefined;

  constructor(
    readonly db: Database,
    readonly options: SessionOptions,
  ) {
    if (options.applicationName) this.settings.set("application_name", options.applicationName);
    if (options.superuser === false) this.settings.set("is_superuser", "off");
    if (db.options.defaultParallelism !== undefined) this.settings.setDefault("streaming_parallelism", String(db.options.defaultParallelism));
    this.releaseLogin = admitSession(db, options, this.settings);
  }

  /** gives this session's login slot back (CONNECTION LIMIT, see role-login.ts) */
  private readonly releaseLogin: () => void;
  /** Why the running statement must stop (client cancel, statement_timeout), or false: for jobs' checks between chunks. */
  interrupted(): boolean | string {
    return this.interrupt?.() ?? false;
  }

  get user(): string {
    return this.options.user ?? "sage";
  }

  private bindingViewDefinition = false;

  /** SET ROLE: the role whose privileges apply (current_user); undefined: the session user */
  private currentRole: string | undefined;

  /** current_user: the SET ROLE role, else the session user */
  get role(): string {
    return this.currentRole ?? this.user;
  }

  /** Whether statements are checked against privileges (not for superusers, nor while the log replays). */
  get enforcesPrivileges(): boolean {
    return !this.db.isReplaying && !isSuperuser(this.db.catalog, this.role);
  }

  /**
   * Logs a DDL statement so that replay runs it as the role that ran it (ownership, grantors);
   * `shared`: a statement on the cluster's roles or databases, which the first database logs.
   */
  logDdl(sql: string, shared = false): void {
    const role = creatingRole(this);
    (shared ? this.db.cluster.root : this.db).log([{ t: "ddl", sql: role === undefined ? sql : `SET ROLE "${role.replace(/"/g, '""')}"; ${sql}; RESET ROLE` }]);
  }

  /** 'I' idle, 'T' in a transaction block, 'E' in a failed one (for the wire protocol's ReadyForQuery). */
  get transactionStatus(): "I" | "T" | "E" {
    return !this.inTransaction ? "I" : this.transactionFailed ? "E" : "T";
  }

  /**
   * An error inside a transaction block aborts the block (as in Postgres): until ROLLBACK or COMMIT
   * every statement fails with 25P02. Called for the engine's own errors and by a caller whose
   * work around a statement failed (a cancel while sending rows, a failed COPY).
   */
  failTransaction(): void {
    if (this.inTransaction) this.transactionFailed = true;
  }

  /** Throws 25P02 when the block has failed and `st` does not end it. */
  refuseInFailedTransaction(st?: A.Statement): void {
    if (!this.transactionFailed) return;
    if (st?.kind === "transaction" && (st.action === "commit" || st.action === "rollback" || st.action === "rollback_to")) return;
    throw new SqlError(SqlState.InFailedSqlTransaction, "current transaction is aborted, commands ignored until end of transaction block");
  }

  /**
   * Runs each statement of `sql` in order, yielding its result as soon as it is done. Throws the
   * SqlError of the first failing statement (the ones before it have taken effect). `params` are
   * the values of `$1`, `$2`, ...: a string for a parameter of a non-text type is read with the
   * type's input function once binding settles the type (see src/prepared-statement.ts).
   */
  async *run(sql: string, params: unknown[] = [], options: RunOptions = {}): AsyncGenerator<StatementResult> {
    let statements: A.Statement[];
    try {
      statements = this.parsed.get(sql);
    } catch (e) {
      this.failTransaction();
      throw redactError(toSqlError(e).at(undefined, sql), sql);
    }
    for (const st of statements) {
      this.refuseInFailedTransaction(st);
      this.interrupt = statementInterrupt(options.signal, Number(this.settings.get("statement_timeout")));
      try {
        if (st.text && /\bembed\s*\(/i.test(st.text)) await this.db.models.ensureEmbedded();
        let result: StatementResult;
        try {
          guardAuditLog(this, st);
          result = await this.executeStatement(st, sql, params, options.paramTypes ?? []);
          await this.db.durable(); // group commit: success only once the log is fsync'd
        } catch (e) {
          auditQuietly(this, st, e);
          throw e;
        }
        // the statement has taken effect even if recording it fails: the audit log's failure then refuses the next audited one (guardAuditLog)
        auditQuietly(this, st);
        yield result;
      } catch (e) {
        this.failTransaction();
        throw redactError(toPositionedSqlError(e, sql), sql);
      }
    }
  }

  /** Runs all statements and returns their results (throws on the first error). */
  async execute(sql: string, params: unknown[] = []): Promise<StatementResult[]> {
    const out: StatementResult[] = [];
    for await (const r of this.run(sql, params)) out.push(r);
    return out;
  }

  close(): void {
    this.releaseLogin();
    this.options.onClose?.();
  }

  /** Long work the wire server runs for this session (COPY FROM STDIN), as a job of SHOW JOBS / CANCEL JOB. */
  startJob(kind: "copy", statement: string): ReturnType<typeof openJob> {
    return openJob(this, kind, statement);
  }

  /**
   * Parses and binds one statement without running it: its parameter types (declared in
   * `paramTypes`, else inferred, else text) and result columns (SELECT, and INSERT / UPDATE /
   * DELETE ... RETURNING; null otherwise). Throws what Postgres raises at prepare time.
   */
  prepare(sql: string, paramTypes: (DataType | undefined)[] = []): PreparedShape {
    if (this.transactionFailed) this.refuseInFailedTransaction(parse(sql)[0]);
    try {
      return prepareStatement(this, sql, paramTypes);
    } catch (e) {
      this.failTransaction();
      throw e;
    }
  }

  binderEnv(sql: string, paramTypes: DataType[] = []): BinderEnv {
    const env: BinderEnv = { catalog: this.db.catalog, paramTypes, sql, readRelations: new Set(), timeZone: this.settings.get("timezone") };
    if (this.enforcesPrivileges && !this.bindingViewDefinition) env.access = readAccess(this).hook;
    return env;
  }

  /** The context a plan runs in; `ai` answers model calls (by default: the embedded model only). */
  executionContext(params: unknown[], ai: AiLookup = this.db.models.streamingLookup): ExecutionContext {
    const ef = Number(this.settings.get("hnsw.ef_search"));
    return {
      relations: this.db,
      params,
      eval: { now: this.db.streams.clock() * 1000, timeZone: this.settings.get("timezone"), random: Math.random, user: this.role, sessionUser: this.user, database: this.db.name, privileges: (fn, args) => privilegeInquiry(this.db.catalog, this.role, fn, args) },
      ai,
      models: this.db.models.asyncCalls(aiOnErrorSetting(this.settings), this.aiBudget()),
      ...(ef > 0 ? { hnswEfSearch: ef } : {}),
      maxQueryMemory: memoryBytes(this.settings.get("max_query_memory")) || this.db.options.maxQueryMemory,
      udf: this.db.functions.js,
    };
  }

  /** The AI budget this session's model calls are charged to: its login role's (see ai-budget.ts). */
  aiBudget(): CallBudget {
    return sessionAiBudget(this.db, this.user, this.settings);
  }

  /** Runs a plan to completion (synchronously; remote model calls are refused). */
  runPlan(plan: PhysicalPlan, params: unknown[]): Chunk[] {
    return runQuery(plan, this.executionContext(params));
  }

  /**
   * Runs a plan, fetching what its model calls need and running it again until complete. A long
   * run yields to the event loop between chunks, where a cancel request or statement_timeout stops it.
   */
  async runPlanWithModels(plan: PhysicalPlan, params: unknown[], job?: Job): Promise<Chunk[]> {
    const now = this.db.streams.clock() * 1000;
    // a job's check covers the statement's interrupt too, and throws its own reason (CANCEL JOB n)
    const cancelled = job ? () => (job.throwIfCancelled(), false) : this.interrupt;
    const progress = job ? (rows: number) => rows > job.rowsDone && job.advance(rows - job.rowsDone) : undefined;
    return this.db.models.withModels(
      (ai) => runQueryYielding(plan, { ...this.executionContext(params, ai), eval: { now, timeZone: this.settings.get("timezone"), random: Math.random, user: this.role, sessionUser: this.user, database: this.db.name, privileges: (fn, args) => privilegeInquiry(this.db.catalog, this.role, fn, args) }, cancelled, progress }),
      undefined,
      aiOnErrorSetting(this.settings),
      this.aiBudget(),
    );
  }

  /** A SELECT bound, pruned and rewritten for key lookups, or the same plan kept from an earlier run (bound-selects.ts). */
  private boundSelect(st: A.SelectStatement, sql: string, declared: readonly (DataType | undefined)[], paramEnv: () => BinderEnv): BoundSelect {
    const key = BoundSelects.key(sql, st.pos ?? 0, declared);
    const stamp = key === null ? "" : `${this.db.cluster.all().map((d) => `${d.name}:${d.catalog.version}`).join(",")}|${this.role}|${this.settings.version}`;
    const kept = key === null ? undefined : this.boundSelects.get(key, stamp);
    if (kept !== undefined) return kept;
    const env = paramEnv();
    const top = new QueryContext(env);
    const access = env.access ? readAccess(this, top) : undefined;
    if (access) env.access = access.hook;
    const q = bindQuery(st.query, top);
    const pruned = pruneColumns(q.plan);
    access?.finish(pruned);
    const bound: BoundSelect = { env, plan: useKeyLookups(pruned, this.db.catalog), columns: q.names.map((name, i) => ({ name, type: q.types[i] })) };
    if (key !== null) this.boundSelects.set(key, stamp, bound);
    return bound;
  }

  private async executeStatement(st: A.Statement, sql: string, params: unknown[], declared: (DataType | undefined)[]): Promise<StatementResult> {
    // each statement binds with the declared parameter types; what binding infers settles the rest
    const paramEnv = () => this.binderEnv(sql, Array.from({ length: Math.max(params.length, declared.length) }, (_, i) => declared[i] ?? Types.unknown));
    const values = (env: BinderEnv) => parameterValues(params, env.paramTypes, this.settings.get("timezone"));
    if (this.enforcesPrivileges) checkStatement(this, st);
    const replication = this.db.cluster.root.replication;
    if (replication && !replication.isApplier(this)) {
      if (replicatesAsText(st)) return replication.ddl(this, st, st.text ?? sql);
      if (st.kind === "copy" && st.direction === "from" && st.target.kind === "file") throw new SqlError(SqlState.FeatureNotSupported, "COPY FROM a file is not replicated in cluster mode", { position: st.pos, hint: "Use COPY FROM STDIN (psql's \\copy), which replicates as INSERTs." });
    }
    switch (st.kind) {
      case "select": {
        await this.readYourWrites();
        const { env, plan, columns } = this.boundSelect(st, sql, declared, paramEnv);
        await this.clusterReads(env);
        const chunks = await this.runPlanWithModels(plan, values(env));
        const rows = chunks.flatMap((c) => c.rows());
        return rowsResult("SELECT", columns, rows);
      }
      case "insert":
      case "update":
      case "delete": {
        const env = paramEnv();
        const w = st.kind === "insert" ? bindInsert(st, env) : st.kind === "update" ? bindUpdate(st, env) : bindDelete(st, env);
        if (env.access) checkWrite(this, st, w);
        await this.clusterReads(env);
        // INSERT ... SELECT over a large input is a job (listed once it has run a while)
        if (st.kind === "insert" && insertReadsQuery(st)) return runAsJob(this, "insert", st.text ?? sql, (job) => this.applyWrite(w, values(env), "INSERT", job), INSERT_JOB_QUIET_MS);
        return this.applyWrite(w, values(env), st.kind === "insert" ? "INSERT" : st.kind === "update" ? "UPDATE" : "DELETE");
      }
      case "create_model": {
        const name = st.name.parts[st.name.parts.length - 1];
        const created = this.db.models.create(name, modelOptionMap(st.with), { orReplace: st.orReplace, ifNotExists: st.ifNotExists }, st.text);
        const model = this.db.catalog.models.get(name);
        if (created && model && creatingRole(this) !== undefined) model.owner = creatingRole(this);
        if (created && st.text) this.logDdl(st.text);
        return { ...commandResult("CREATE MODEL"), notices: created ? [] : [`model "${name}" already exists, skipping`] };
      }
      case "create_secret":
        return createSecretStatement(this, st);
      case "create_function": {
        const result = this.db.functions.create(this, st);
        if (st.text) this.db.log([{ t: "ddl", sql: st.text }]);
        return result;
      }
      case "explain":
        if (st.fragments) return explainFragmentsStatement(this, st, sql);
        if (st.plan === "logical") return explainLogicalStatement(this, st, sql);
        if (st.analyze && st.statement.kind === "select") return explainAnalyzeStatement(this, st.statement, sql, params, declared);
        return this.explain(st, sql);
      case "set": {
        if (st.name === "role") {
          this.currentRole = setRole(this, st.values?.[0]);
          return commandResult("SET");
        }
        if (st.name === "session authorization") return commandResult("SET");
        if (st.name === "names") {
          this.settings.set("client_encoding", st.values?.[0] ?? "UTF8");
          return commandResult("SET");
        }
        this.settings.set(st.name, st.values === null ? null : st.values.join(", "));
        if (st.name.toLowerCase() === "checkpoint_interval") this.db.checkpoints?.setInterval(Number(this.settings.get("checkpoint_interval")));
        if (st.name.toLowerCase() === "group_commit") this.db.setGroupCommit(this.settings.get("group_commit") === "on");
        return commandResult("SET");
      }
      case "reset":
        if (st.name === "role") {
          this.currentRole = undefined;
          return commandResult("RESET");
        }
        if (st.name === "all") {
          for (const s of this.settings.all()) this.settings.set(s.name, null);
        } else {
          this.settings.set(st.name, null);
        }
        return commandResult("RESET");
      case "show":
        return showStatement(this, st);
      case "transaction":
        return this.transaction(st);
      case "subscribe":
        return this.subscribe(st, sql);
      case "copy":
        return copyWithFile(this, st, sql);
      case "cancel_job":
        return cancelJob(this, st);
      case "checkpoint":
        this.db.checkpoints?.checkpoint();
        return commandResult("CHECKPOINT");
      case "flush":
        // writes are visible once their statement returns, except rows waiting for model answers;
        // sinks then write what they have gathered
        await this.db.cluster.root.replication?.flush?.();
        await this.db.streams.settle();
        throwIfStopped(this.db);
        await flushSinks(this.db);
        return commandResult("FLUSH");
      case "alter_default_privileges": {
        const result = alterDefaultPrivileges(this, st);
        if (st.text) this.logDdl(st.text);
        return result;
      }
      case "grant": {
        const result = executeGrant(this, st);
        if (st.text) this.logDdl(st.text, !st.on || st.on.objectKind === "database");
        return result;
      }
      default:
        if (isRoleDdl(st)) {
          const role = executeRoleDdl(this, st);
          if (role.logged) this.logDdl(role.logged, true);
          if (role.memberLog) await this.db.cluster.logInMembers(role.memberLog);
          return role.result;
        }
        if (isDatabaseDdl(st)) {
          const done = await executeDatabaseDdl(this, st);
          if (done.logged) this.logDdl(done.logged, true);
          return done.result;
        }
        // Postgres CDC DDL checks the upstream server first (async), then creates as usual
        if (isCdcStatement(st)) return await executeCdcStatement(this, st, sql);
        if (st.kind === "alter" && st.action.kind === "owner_to") {
          const result = alterOwner(this, st as A.AlterStatement & { action: { kind: "owner_to" } });
          if (st.text) this.logDdl(st.text);
          return result;
        }
        if (isDdl(st)) {
          const before = new Set(this.db.catalog.listRelations().map((r) => r.id));
          // a plain view's sources are checked when it is read, with its owner's rights (not at CREATE, as
          // in Postgres); a materialized view's were checked by checkStatement, column grants included
          this.bindingViewDefinition = st.kind === "create_view";
          let result: StatementResult;
          try {
            result = await executeDdl(this, st, sql);
          } finally {
            this.bindingViewDefinition = false;
          }
          if (st.kind.startsWith("create")) recordOwnership(this, before);
          if (st.kind === "create_schema" && creatingRole(this) !== undefined && result.notices.length === 0) this.db.catalog.access.schema(st.name).owner = creatingRole(this)!;
          if (st.text) this.logDdl(st.text);
          // a new view's initial contents are complete when CREATE returns, model answers included
          if (st.kind === "create_view") {
            await this.db.streams.settle();
            // while recovering, a model outage must not keep the database from opening: the view
            // stays stopped and FLUSH reports it
            if (!this.db.isReplaying) throwIfStopped(this.db, this.db.catalog.findRelation(st.name.parts)?.id);
          }
          return result;
        }
        throw new SqlError(SqlState.FeatureNotSupported, `${st.kind.replace(/_/g, " ").toUpperCase()} is not supported yet`, { position: st.pos });
    }
  }

  private subscribe(st: A.SubscribeStatement, sql: string): StatementResult {
    const db = this.db;
    let sub: Subscription;
    const rel = st.name ? db.catalog.getRelation(st.name.parts, st.name.pos) : undefined;
    if (rel && rel.kind !== "view") {
      if (this.enforcesPrivileges) readAccess(this).hook.read(rel, undefined, st.name?.pos, new QueryContext(this.binderEnv(sql)));
      if (rel.kind === "sink") throw new SqlError(SqlState.WrongObjectType, `cannot subscribe to sink "${rel.name}"`, { position: st.pos });
      sub = new Subscription(rel.columns.map((c) => ({ name: c.name, type: c.type })));
      // the snapshot, then changes as they commit
      const stored = db.relation(rel.id);
      const epoch = db.streams.epoch;
      for (const chunk of stored.store.scan(rel.columns.map((_, i) => i))) sub.deliver(chunk, epoch);
      sub.onClose(db.streams.listen(rel.id, (changes, e) => sub.deliver(changes, e)));
    } else {
      const query: A.Query = st.query ?? { kind: "query", body: { kind: "select", items: [{ expr: { kind: "star" } }], from: [{ kind: "table", name: st.name! }], groupBy: [], windows: [] }, orderBy: [] };
      const q = bindQuery(query, new QueryContext(this.binderEnv(sql)));
      const plan = continuousPlan(this, q.plan, false);
      sub = new Subscription(q.names.map((name, i) => ({ name, type: q.types[i] })));
      const id = db.catalog.newId("sub");
      const sink = new ChangeCollector(plan.types, (changes, epoch) => changes && sub.deliver(changes, epoch));
      startDataflow(db, id, plan, this.executionContext([]), sink);
      sub.onClose(() => db.streams.remove(id));
    }
    return { command: "SUBSCRIBE", rowCount: 0, columns: sub.columns, rows: [], notices: [], subscription: durableFeed(db, sub) };
  }

  private transaction(st: A.TransactionStatement): StatementResult {
    const notices: string[] = [];
    switch (st.action) {
      case "begin":
        if (this.inTransaction) notices.push("there is already a transaction in progress");
        this.inTransaction = true;
        return { ...commandResult("BEGIN"), notices };
      case "commit": {
        if (!this.inTransaction) notices.push("there is no transaction in progress");
        // COMMIT of a failed block ends it as a rollback (Postgres reports ROLLBACK)
        const failed = this.transactionFailed;
        this.inTransaction = false;
        this.transactionFailed = false;
        return { ...commandResult(failed ? "ROLLBACK" : "COMMIT"), notices };
      }
      case "rollback":
        if (!this.inTransaction) notices.push("there is no transaction in progress");
        else notices.push("ROLLBACK does not undo earlier statements: sage-sql commits each statement when it runs");
        this.inTransaction = false;
        this.transactionFailed = false;
        return { ...commandResult("ROLLBACK"), notices };
      case "rollback_to":
        // the block goes on; what ran since the savepoint stays applied (autocommit)
        this.transactionFailed = false;
        return commandResult("ROLLBACK");
      default:
        return commandResult(st.action === "savepoint" ? "SAVEPOINT" : st.action === "release" ? "RELEASE" : "ROLLBACK");
    }
  }

  private explain(st: A.ExplainStatement, sql: string): StatementResult {
    const inner = st.statement;
    if (st.analyze) {
      // a SELECT went to explainAnalyzeStatement; running DML or DDL to measure it is not offered
      throw new SqlError(SqlState.FeatureNotSupported, `EXPLAIN ANALYZE runs queries only, not ${inner.kind.replace(/_/g, " ").toUpperCase()}`, { position: st.pos, hint: "For a running view's operators, SELECT * FROM sage_catalog.operators." });
    }
    let plan: PhysicalPlan;
    const env = this.binderEnv(sql);
    if (inner.kind === "select") plan = bindQuery(inner.query, new QueryContext(env)).plan;
    else if (inner.kind === "insert") plan = bindInsert(inner, env).source;
    else if (inner.kind === "update") plan = bindUpdate(inner, env).source;
    else if (inner.kind === "delete") plan = bindDelete(inner, env).source;
    else if (inner.kind === "create_view" && inner.materialized) {
      const q = bindQuery(inner.query, new QueryContext(env));
      const streaming = continuousPlan(this, q.plan, isEowcStatement(inner));
      const lines = explainDataflow(streaming, inner.name.parts.join("."));
      return rowsResult("EXPLAIN", [{ name: "QUERY PLAN", type: Types.text }], lines.map((l) => [l]));
    } else throw new SqlError(SqlState.FeatureNotSupported, `EXPLAIN ${inner.kind.replace(/_/g, " ").toUpperCase()} is not supported yet`, { position: st.pos });
    const lines = explainPlan(useKeyLookups(pruneColumns(plan), this.db.catalog));
    return rowsResult("EXPLAIN", [{ name: "QUERY PLAN", type: Types.text }], lines.map((l) => [l]));
  }

  /**
   * visibility = 'strong' (the default): a read waits until this session's earlier writes are
   * visible in every view — rows waiting for model answers in a view are the only ones that can be
   * behind, since everything else is applied before a write returns. 'eventual' reads at once.
   */
  private async readYourWrites(): Promise<void> {
    if (!this.wroteSinceRead) return;
    this.wroteSinceRead = false;
    if (this.settings.get("visibility") === "eventual" || this.db.streams.pendingRows === 0) return;
    await this.db.streams.settle();
  }

  /** cluster mode, visibility = 'strong': the views on workers a statement reads hold every write applied before it */
  private async clusterReads(env: BinderEnv): Promise<void> {
    const replication = this.db.cluster.root.replication;
    if (!replication?.beforeRead || env.readRelations.size === 0 || replication.isApplier(this) || this.settings.get("visibility") === "eventual") return;
    await replication.beforeRead(this, env.readRelations);
  }

  private async applyWrite(w: WritePlan, params: unknown[], verb: "INSERT" | "UPDATE" | "DELETE", job?: Job): Promise<StatementResult> {
    this.wroteSinceRead = true;
    // cluster mode: one write at a time, computed against the state every replica has, applied through the input log
    const replication = this.db.cluster.root.replication;
    const release = replication && !replication.isApplier(this) ? await replication.lock() : null;
    let applied: AppliedWrite;
    try {
      const chunks = await this.runPlanWithModels(useKeyLookups(pruneColumns(w.source), this.db.catalog), params, job);
      job?.committing(); // the rows are read: writing them is not cut short
      const planned: PlannedWrite = { kind: w.kind, relation: w.relation.id, skipConflicts: w.onConflict?.action === "nothing" };
      applied = release ? await replication!.write(this, planned, chunks) : applyPlannedWrite(this.db, planned, chunks);
    } finally {
      release?.();
    }
    return this.finishWrite(w, params, verb, applied);
  }

  /** The end of a write: the late rows' notice, backpressure, the command tag and RETURNING. */
  private async finishWrite(w: WritePlan, params: unknown[], verb: "INSERT" | "UPDATE" | "DELETE", applied: AppliedWrite): Promise<StatementResult> {
    const notices: string[] = [];
    const lateRows = applied.late;
    const count = applied.count;
    if (lateRows.length > 0) {
      notices.push(`${lateRows.length} row${lateRows.length === 1 ? " was" : "s were"} behind the watermark of stream "${w.relation.name}" and ${applied.lateTarget ? `went to stream "${applied.lateTarget}"` : "were dropped (see sage_catalog.late_rows)"}`);
    }
    // backpressure: a slow model behind a continuous view slows its writers
    await this.db.streams.admit();
    const tag = verb === "INSERT" ? "INSERT" : verb;
    if (!w.returning) return { command: tag, rowCount: count, columns: [], rows: [], notices };
    const chunk = applied.written();
    const ctx = this.executionContext(params);
    const cols = w.returning.exprs.map((e) => compileExpr(e)(chunk, ctx));
    const out = Array.from({ length: count }, (_, i) => cols.map((c) => c.get(i)));
    return { command: tag, rowCount: count, columns: w.returning.names.map((name, i) => ({ name, type: w.returning!.types[i] })), rows: out, notices };
  }
}

/** SET ai.on_error = 'null' | 'fail': overrides the models' own policy for this session's statements and views. */
function aiOnErrorSetting(settings: SessionSettings): "null" | "fail" | undefined {
  const v = settings.find("ai.on_error")?.toLowerCase();
  if (v === undefined) return undefined; // not set
  if (v === "null" || v === "fail") return v;
  if (v === "" || v === "default") return undefined;
  throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "ai.on_error": "${v}"`, { hint: "Available values: null, fail." });
}

/** Records a statement in the audit log; a failure to write it does not replace the statement's own outcome. */
function auditQuietly(session: Session, st: A.Statement, error?: unknown): void {
  try {
    auditStatement(session, st, error);
  } catch {
    // kept in AuditLog.failure
  }
}

/** An error about `sql` with its passwords and secret values masked (a syntax error may quote them). */
function redactError(e: SqlError, sql: string): SqlError {
  e.message = redactQuoted(e.message, sql);
  if (e.detail !== undefined) e.detail = redactQuoted(e.detail, sql);
  return e;
}

export function rowsResult(command: string, columns: ResultColumn[], rows: unknown[][]): StatementResult {
  return { command, rowCount: rows.length, columns, rows, notices: [] };
}

export function commandResult(command: string, rowCount = 0): StatementResult {
  return { command, rowCount, columns: [], rows: [], notices: [] };
}

