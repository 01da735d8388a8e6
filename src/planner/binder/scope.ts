// Name resolution: the columns visible at one point of a query (what FROM produced), each with
// the table alias it can be qualified by.

import { DataType, SqlError, SqlState } from "../../types/index.js";

export interface ScopeColumn {
  /** the alias or table name it can be qualified by (undefined for anonymous derived columns) */
  table?: string;
  name: string;
  type: DataType;
  /** position in the plan output this scope describes */
  index: number;
  /** not reachable by an unqualified name nor by `*` (the right copy of a USING column) */
  hiddenUnqualified?: boolean;
  /** not included by `*` nor `t.*` (row ids and the like) */
  system?: boolean;
  /** the table's own name when the FROM item gave it an alias (for error messages) */
  relation?: string;
}

export class Scope {
  constructor(readonly columns: ScopeColumn[]) {}

  static empty(): Scope {
    return new Scope([]);
  }

  get width(): number {
    return this.columns.length;
  }

  /** The tables (aliases) this scope has, for error messages and `t.*`. */
  hasTable(name: string): boolean {
    return this.columns.some((c) => c.table === name);
  }

  /**
   * Finds `col` or `table.col`. Returns undefined when not found; throws 42702 when an
   * unqualified name matches columns of two tables.
   */
  resolve(parts: readonly string[], position?: number): ScopeColumn | undefined {
    const name = parts[parts.length - 1];
    if (parts.length === 1) {
      const hits = this.columns.filter((c) => c.name === name && !c.hiddenUnqualified);
      if (hits.length > 1) {
        throw new SqlError(SqlState.AmbiguousColumn, `column reference "${name}" is ambiguous`, { position });
      }
      return hits[0];
    }
    const table = parts[parts.length - 2];
    const hits = this.columns.filter((c) => c.table === table && c.name === name);
    if (hits.length > 1) {
      throw new SqlError(SqlState.AmbiguousColumn, `column reference "${parts.join(".")}" is ambiguous`, { position });
    }
    return hits[0];
  }

  /** Columns `*` (or `table.*`) expands to. */
  star(table?: string): ScopeColumn[] {
    if (table === undefined) return this.columns.filter((c) => !c.hiddenUnqualified && !c.system);
    return this.columns.filter((c) => c.table === table && !c.system);
  }

  /** This scope's columns followed by `other`'s, reindexed after them. */
  concat(other: Scope): Scope {
    const w = this.width;
    return new Scope([...this.columns, ...other.columns.map((c) => ({ ...c, index: c.index + w }))]);
  }

  /** Renames every column's table qualifier (a derived table's alias). */
  requalify(table: string | undefined, names?: readonly string[]): Scope {
    return new Scope(
      this.columns.map((c, i) => ({ ...c, table, name: names && i < names.length ? names[i] : c.name })),
    );
  }
}
