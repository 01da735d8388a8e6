// Binding state shared across one statement: the catalog, $n parameter types, CTEs in scope, and
// the chain of enclosing queries through which a correlated subquery reaches outer columns.

import type { Catalog, ModelEntry, RelationEntry } from "../../catalog/index.js";
import type { Query, WindowSpec } from "../../parser/ast.js";
import { DataType, SqlError, SqlState, Types } from "../../types/index.js";
import type { AggregateCall, BoundExpr, WindowCall } from "../physical-plan.js";
import { Scope } from "./scope.js";

export interface BinderEnv {
  catalog: Catalog;
  /** types of $1..$n; an 'unknown' entry is inferred from the first context that needs a type */
  paramTypes: DataType[];
  /** the statement text, for error positions */
  sql?: string;
  /** the session's TimeZone: literals and calls folded while binding read and compute timestamptz values in it (UTC when absent) */
  timeZone?: string;
  /** relation ids read by the statement (views record them as dependencies) */
  readRelations: Set<string>;
  /** UPDATE/DELETE: the target relation, whose scan also yields its row ids (as system column ctid) */
  rowIdRelation?: string;
  /**
   * Privilege checks (absent: none, e.g. superusers): called for each relation the statement
   * reads, with `asRole` the owner of the view being expanded (views read with their owner's
   * rights) or undefined (the session's role); and for each model EMBED / GENERATE uses.
   */
  access?: {
    read(rel: RelationEntry, asRole: string | undefined, position: number | undefined, ctx: QueryContext): void;
    /** a schema-qualified name in the statement's own text is about to be looked up */
    schema(name: string, position: number | undefined): void;
    model(model: ModelEntry, position: number | undefined): void;
  };
  /** while binding a view's query: its owner */
  viewOwner?: string;
  /** counter for plan-unique ids (recursive CTE working tables) */
  nextId?: number;
  /** EXPLAIN (LOGICAL): bind only, leaving out the rewrites the binder otherwise applies (vector index scans) */
  logicalOnly?: boolean;
}

export interface CteBinding {
  name: string;
  columns?: string[];
  query: Query;
  /** the CTEs visible where this one was defined (the ones before it) */
  visible: Map<string, CteBinding>;
  /** WITH RECURSIVE: the CTE may refer to itself */
  recursive?: boolean;
  /** inside its own recursive term: references read the working table */
  workTable?: WorkTableBinding;
}

/** A recursive CTE's working table, as its recursive term sees it. */
export interface WorkTableBinding {
  /** undefined inside the non-recursive term, where a self-reference is an error */
  id?: string;
  names: string[];
  types: DataType[];
  used: boolean;
  /** where a self-reference is not allowed: the error to raise (42P19) */
  error?: string;
}

/** One level of query nesting. */
export class QueryContext {
  /** outer values this query needs, as expressions over the enclosing query's scope */
  readonly correlated: BoundExpr[] = [];
  private readonly correlatedKeys: string[] = [];
  readonly ctes: Map<string, CteBinding>;

  constructor(
    readonly env: BinderEnv,
    readonly outer?: { ctx: QueryContext; scope: Scope },
    ctes?: Map<string, CteBinding>,
    /** a derived table in FROM shares its query's outer parameters (it runs at the same level) */
    readonly sameLevelAs?: QueryContext,
  ) {
    this.ctes = new Map(ctes ?? sameLevelAs?.ctes ?? outer?.ctx.ctes ?? []);
  }

  /** A context for a derived table or view body at this same level. */
  derived(): QueryContext {
    const owner = this.sameLevelAs ?? this;
    return new QueryContext(this.env, owner.outer, this.ctes, owner);
  }

  /** Registers an outer value and returns its index among this query's outer parameters. */
  addCorrelated(expr: BoundExpr): number {
    if (this.sameLevelAs) return this.sameLevelAs.addCorrelated(expr);
    const key = exprKey(expr);
    const i = this.correlatedKeys.indexOf(key);
    if (i >= 0) return i;
    this.correlated.push(expr);
    this.correlatedKeys.push(key);
    return this.correlated.length - 1;
  }
}

/** Where an expression is being bound, and what it may contain there. */
export interface ExprScope {
  scope: Scope;
  ctx: QueryContext;
  /** aggregate calls found (allowed only where set) */
  aggs?: AggregateCall[];
  /** window calls found (allowed only where set) */
  windows?: WindowCall[];
  /** named windows (WINDOW w AS ...) */
  windowDefs?: Map<string, WindowSpec>;
  /** the clause, for "aggregate functions are not allowed in WHERE" */
  clause: string;
}

/** Virtual column positions for aggregate and window results before their nodes exist. */
export const AGG_BASE = 1 << 20;
export const WINDOW_BASE = 1 << 21;

/** A stable text key of a bound expression (for structural equality at plan time only). */
export function exprKey(e: unknown): string {
  return JSON.stringify(e, (_k, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Float32Array) return Array.from(v);
    if (v instanceof Uint8Array) return Array.from(v);
    if (v !== null && typeof v === "object" && typeof (v as { toString?: unknown }).toString === "function" && v.constructor && v.constructor.name !== "Object" && !Array.isArray(v)) {
      return `${v.constructor.name}:${String(v)}`;
    }
    return v;
  });
}

export function typeError(message: string, position?: number): SqlError {
  return new SqlError(SqlState.DatatypeMismatch, message, { position });
}

export const BOOL = Types.boolean;
