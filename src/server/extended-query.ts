// The extended query protocol's state: prepared statements and portals (named, and the unnamed
// one of each), and the Parse / Bind / Describe / Execute / Close steps over them. A portal runs
// its statement when it is first described or executed; its rows are then sent in as many
// Execute calls as the client's row limits ask for (PortalSuspended in between). A statement that
// goes to the engine whole is prepared there at Parse (its errors raised then, its parameter types
// inferred, its result columns known) and runs with its parameters as values; the rest (the
// pg_catalog emulation's statements, COPY) take their parameters as literals (parameters.ts).

import { SqlError, Types, type DataType, type ResultColumn, type StatementResult } from "../types/index.js";
import { splitStatements } from "../parser/index.js";
import { returnsRows } from "./command-tag.js";
import type { ParamValue } from "./codec/index.js";
import {
  bindComplete,
  closeComplete,
  emptyQueryResponse,
  noData,
  parameterDescription,
  parseComplete,
  portalSuspended,
  commandComplete,
} from "./messages.js";
import { bindParameter, parameterCount, parameterValue, substituteParameters, type BoundParameter } from "./parameters.js";
import { isCopyRequest, type QueryRunner } from "./query-runner.js";
import type { CopyStatement } from "./copy/copy-statement.js";
import { resolveFormats, rowSource, type ResultWriter, type RowSource, type WireOutput } from "./result-writer.js";
import { leadingKeyword } from "./sql-scan.js";
import { TEXT_OID, typeForOid, typeOid } from "./type-oids.js";

export interface ExtendedQueryHost {
  readonly out: WireOutput;
  readonly writer: ResultWriter;
  readonly runner: QueryRunner;
  /** bumps on every DDL change (describe results are cached per version) */
  catalogVersion(): number;
  /** called after each statement that ran (reports changed settings) */
  afterStatement(result: StatementResult): void;
  /** carries out a COPY FROM STDIN / TO STDOUT with the client */
  copy(statement: CopyStatement, signal: AbortSignal): Promise<StatementResult>;
}

interface PreparedStatement {
  name: string;
  sql: string;
  /** a type OID per parameter; 0 where the client left it unspecified (and the engine did not prepare it) */
  paramOids: number[];
  /** set when the engine prepared the statement: the type of each parameter (declared or inferred) */
  engine?: { paramTypes: DataType[] };
  described?: { version: number; columns: ResultColumn[] | null };
}

interface Portal {
  name: string;
  statement: PreparedStatement;
  sql: string;
  mapPosition: (p: number) => number;
  /** for an engine-prepared statement: the parameter values and types */
  params?: { values: unknown[]; types: DataType[] };
  resultFormats: number[];
  /** undefined until run; null for an empty query */
  result?: StatementResult | null;
  source?: RowSource;
  finished: boolean;
}

const ROW_KEYWORDS = new Set(["select", "with", "values", "table", "show", "explain"]);

function statementLabel(name: string): string {
  return name === "" ? "unnamed prepared statement" : `prepared statement "${name}"`;
}

export class ExtendedQuery {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();

  constructor(private readonly host: ExtendedQueryHost) {}

  parse(name: string, sql: string, paramOids: number[]): void {
    if (name !== "" && this.statements.has(name)) {
      throw new SqlError("42P05", `prepared statement "${name}" already exists`);
    }
    if (splitStatements(sql).filter((s) => s.text !== "").length > 1) {
      throw new SqlError("42601", "cannot insert multiple commands into a prepared statement");
    }
    for (const oid of paramOids) {
      if (oid !== 0 && !typeForOid(oid)) throw new SqlError("42704", `type with OID ${oid} does not exist`);
    }
    const count = parameterCount(sql, paramOids.length);
    const oids = Array.from({ length: count }, (_, i) => paramOids[i] ?? 0);
    const st: PreparedStatement = { name, sql, paramOids: oids };
    if (this.host.runner.goesToEngine(sql)) this.prepare(st);
    this.statements.set(name, st);
    this.host.out.send(parseComplete());
  }

  bind(portalName: string, statementName: string, paramFormats: number[], params: ParamValue[], resultFormats: number[]): void {
    const st = this.statements.get(statementName);
    if (!st) throw new SqlError("26000", `${statementLabel(statementName)} does not exist`);
    if (portalName !== "" && this.portals.has(portalName)) throw new SqlError("42P03", `cursor "${portalName}" already exists`);
    if (params.length !== st.paramOids.length) {
      throw new SqlError("08P01", `bind message supplies ${params.length} parameters, but prepared statement "${st.name}" requires ${st.paramOids.length}`);
    }
    if (paramFormats.length > 1 && paramFormats.length !== params.length) {
      throw new SqlError("08P01", `bind message has ${paramFormats.length} parameter formats but ${params.length} parameters`);
    }
    const format = (i: number) => (paramFormats.length === 0 ? 0 : paramFormats.length === 1 ? paramFormats[0] : paramFormats[i]);
    let portal: Portal;
    if (st.engine) {
      const types = st.engine.paramTypes;
      const values = params.map((v, i) => parameterValue(v, format(i), types[i], i));
      portal = { name: portalName, statement: st, sql: st.sql, mapPosition: (p) => p, params: { values, types }, resultFormats, finished: false };
    } else {
      const bound: BoundParameter[] = params.map((v, i) => bindParameter(v, format(i), st.paramOids[i], i));
      const rewritten = substituteParameters(st.sql, bound);
      portal = { name: portalName, statement: st, sql: rewritten.sql, mapPosition: rewritten.mapPosition, resultFormats, finished: false };
    }
    this.dropPortal(portalName);
    this.portals.set(portalName, portal);
    this.host.out.send(bindComplete());
  }

  async describe(target: "S" | "P", name: string, signal: AbortSignal): Promise<void> {
    if (target === "S") {
      const st = this.statements.get(name);
      if (!st) throw new SqlError("26000", `${statementLabel(name)} does not exist`);
      this.host.out.send(parameterDescription(st.paramOids.map((o) => o || TEXT_OID)));
      const columns = await this.describeStatement(st);
      if (columns) this.host.writer.describeRows(columns, columns.map(() => 0));
      else this.host.out.send(noData());
      return;
    }
    const portal = this.portal(name);
    await this.run(portal, signal);
    const result = portal.result;
    if (!result || !returnsRows(result)) {
      this.host.out.send(noData());
      return;
    }
    this.host.writer.describeRows(result.columns, resolveFormats(portal.resultFormats, result.columns.length));
  }

  async execute(name: string, maxRows: number, signal: AbortSignal): Promise<void> {
    const portal = this.portal(name);
    await this.run(portal, signal);
    const result = portal.result;
    if (result === null || result === undefined) {
      this.host.out.send(emptyQueryResponse());
      return;
    }
    if (!returnsRows(result)) {
      if (!portal.finished) this.host.writer.complete(result);
      else this.host.out.send(commandComplete(result.command));
      portal.finished = true;
      return;
    }
    const formats = resolveFormats(portal.resultFormats, result.columns.length);
    if (portal.finished) {
      this.host.writer.complete(result, 0);
      return;
    }
    const { sent, more } = await this.host.writer.writeRows(portal.source!, result.columns, formats, maxRows > 0 ? maxRows : 0, signal);
    if (more) {
      this.host.out.send(portalSuspended());
      return;
    }
    portal.finished = true;
    this.host.writer.complete(result, sent);
  }

  close(target: "S" | "P", name: string): void {
    if (target === "S") this.statements.delete(name);
    else this.dropPortal(name);
    this.host.out.send(closeComplete());
  }

  /** End of an implicit transaction (Sync outside a transaction block): portals go away. */
  dropAllPortals(): void {
    for (const name of [...this.portals.keys()]) this.dropPortal(name);
  }

  /** A simple Query replaces the unnamed statement and portal. */
  dropUnnamed(): void {
    this.statements.delete("");
    this.dropPortal("");
  }

  /** The connection is closing: stop every running feed. */
  dispose(): void {
    this.dropAllPortals();
    this.statements.clear();
  }

  private dropPortal(name: string): void {
    const p = this.portals.get(name);
    if (!p) return;
    p.source?.close();
    this.portals.delete(name);
  }

  private portal(name: string): Portal {
    const p = this.portals.get(name);
    if (!p) throw new SqlError("34000", name === "" ? "unnamed portal does not exist" : `portal "${name}" does not exist`);
    return p;
  }

  private async run(portal: Portal, signal: AbortSignal): Promise<void> {
    if (portal.result !== undefined) return;
    let result: StatementResult | null = null;
    try {
      for await (const r of this.host.runner.run(portal.sql, portal.params?.values, portal.params?.types, signal)) {
        if (signal.aborted) break;
        result = isCopyRequest(r) ? await this.host.copy(r.statement, signal) : r;
        break;
      }
    } catch (e) {
      if (e instanceof SqlError && e.position !== undefined) e.position = portal.mapPosition(e.position);
      throw e;
    }
    portal.result = result;
    if (result) {
      portal.source = rowSource(result);
      this.host.writer.notices(result);
      this.host.afterStatement(result);
    }
  }

  /**
   * Prepares `st` in the engine: its parameter types (declared, else inferred, else text; those
   * past what the engine saw are text) and, for what the binder describes, its result columns.
   */
  private prepare(st: PreparedStatement): void {
    const declared = st.paramOids.map((oid) => (oid ? typeForOid(oid) : undefined));
    const shape = this.host.runner.prepare(st.sql, declared);
    const paramTypes = st.paramOids.map((_, i) => declared[i] ?? shape.paramTypes[i] ?? Types.text);
    st.engine = { paramTypes };
    st.paramOids = st.paramOids.map((oid, i) => oid || typeOid(paramTypes[i]));
    st.described = shape.columns ? { version: this.host.catalogVersion(), columns: shape.columns } : undefined;
  }

  /** Result columns of a statement without running it for real (statements the binder does not describe run with null parameters). */
  private async describeStatement(st: PreparedStatement): Promise<ResultColumn[] | null> {
    const version = this.host.catalogVersion();
    if (st.described && st.described.version === version) return st.described.columns;
    if (st.engine) {
      this.prepare(st);
      if (st.described) return st.described.columns;
    }
    let columns: ResultColumn[] | null = null;
    if (ROW_KEYWORDS.has(leadingKeyword(st.sql)) || leadingKeyword(st.sql) === "subscribe") {
      const nulls: BoundParameter[] = st.paramOids.map((oid) => ({ text: null, type: oid ? typeForOid(oid) : undefined }));
      const { sql, mapPosition } = st.engine ? { sql: st.sql, mapPosition: (p: number) => p } : substituteParameters(st.sql, nulls);
      const params = st.engine ? st.paramOids.map(() => null) : [];
      try {
        for await (const r of this.host.runner.run(sql, params, st.engine?.paramTypes)) {
          if (isCopyRequest(r)) break;
          r.subscription?.cancel();
          columns = returnsRows(r) ? r.columns : null;
          break;
        }
      } catch (e) {
        if (e instanceof SqlError && e.position !== undefined) e.position = mapPosition(e.position);
        throw e;
      }
    }
    st.described = { version, columns };
    return columns;
  }
}
