// Names of relations and their columns, for `\d` and tab completion, read with the engine's SHOW
// statements (SHOW TABLES / VIEWS / MATERIALIZED VIEWS / STREAMS, SHOW COLUMNS FROM t) on a session
// of their own. Answers are cached until a CREATE, DROP or ALTER runs. A SHOW the engine does not
// support yet just contributes nothing.

import type { StatementResult } from "../src/index.js";
import type { ValueFormatter } from "./result-format.js";

export type RelationKind = "table" | "view" | "materialized view" | "stream";

export interface Relation {
  name: string;
  kind: RelationKind;
}

interface CatalogSession {
  run(sql: string): AsyncGenerator<StatementResult>;
}

/** Which SHOW lists which kind; the more specific kinds first, in case a list repeats a name. */
const LISTINGS: readonly (readonly [RelationKind, string])[] = [
  ["materialized view", "SHOW MATERIALIZED VIEWS"],
  ["view", "SHOW VIEWS"],
  ["stream", "SHOW STREAMS"],
  ["table", "SHOW TABLES"],
];

export class CatalogLookup {
  private relationCache: Promise<Relation[]> | null = null;
  private columnCache = new Map<string, Promise<string[]>>();

  constructor(
    private readonly session: CatalogSession,
    private readonly format: ValueFormatter,
  ) {}

  invalidate(): void {
    this.relationCache = null;
    this.columnCache.clear();
  }

  /** Every relation, sorted by name. */
  relations(): Promise<Relation[]> {
    this.relationCache ??= this.loadRelations();
    return this.relationCache;
  }

  /** Column names of a relation ([] when it has none or cannot be described). */
  columns(relation: string): Promise<string[]> {
    const key = relation.toLowerCase();
    let cached = this.columnCache.get(key);
    if (!cached) {
      cached = this.describe(relation).then(
        (r) => this.firstColumn(r),
        () => [],
      );
      this.columnCache.set(key, cached);
    }
    return cached;
  }

  /** SHOW DATABASES: name, owner, connection limit (`\l`). */
  async databases(): Promise<StatementResult> {
    return this.last("SHOW DATABASES");
  }

  /** SHOW COLUMNS FROM relation (throws the engine's error). */
  async describe(relation: string): Promise<StatementResult> {
    return this.last(`SHOW COLUMNS FROM ${relation}`);
  }

  /** The connector feeding a relation, as sage_catalog.sources shows it (undefined: none, or not known). */
  async connector(relation: string): Promise<string | undefined> {
    try {
      const r = await this.last(`SELECT connector FROM sage_catalog.sources WHERE stream = '${relation.replace(/'/g, "''")}'`);
      const v = r.rows[0]?.[0];
      return v === null || v === undefined ? undefined : this.format(r.columns[0].type, v);
    } catch {
      return undefined;
    }
  }

  private async loadRelations(): Promise<Relation[]> {
    const seen = new Map<string, Relation>();
    for (const [kind, sql] of LISTINGS) {
      let names: string[];
      try {
        names = this.firstColumn(await this.last(sql));
      } catch {
        continue;
      }
      for (const name of names) if (!seen.has(name)) seen.set(name, { name, kind });
    }
    return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private firstColumn(r: StatementResult): string[] {
    if (r.columns.length === 0) return [];
    const type = r.columns[0].type;
    return r.rows.map((row) => row[0]).filter((v) => v !== null && v !== undefined).map((v) => this.format(type, v));
  }

  private async last(sql: string): Promise<StatementResult> {
    let result: StatementResult | undefined;
    for await (const r of this.session.run(sql)) result = r;
    if (!result) throw new Error(`${sql} returned nothing`);
    return result;
  }
}
