// INSERT, UPDATE, DELETE (with ON CONFLICT and RETURNING).

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import { Eq, K, LParen, RParen } from "../tokens.js";
import { SqlError, SqlState } from "../../types/index.js";

export function defineDmlRules($: SqlParser): void {
  $.insertStatement = $.rule("insertStatement", (): A.InsertStatement => {
    $.c(0, K.INSERT);
    $.c(0, K.INTO);
    const table = $.s(0, $.qualifiedName);
    const stmt: A.InsertStatement = { kind: "insert", table };
    $.opt(0, () => {
      $.c(0, K.AS);
      const alias = $.s(1, $.ident);
      $.act(() => (stmt.alias = alias));
    });
    $.opt(
      1,
      () => {
        const cols = $.s(2, $.parenIdentList);
        $.act(() => (stmt.columns = cols));
      },
      () => !$.queryParenAhead(1),
    );
    $.alt(0, [
      {
        ALT: () => {
          $.c(0, K.DEFAULT);
          $.c(0, K.VALUES);
          $.act(() => (stmt.defaultValues = true));
        },
      },
      {
        ALT: () => {
          const q = $.s(3, $.query);
          $.act(() => (stmt.source = q));
        },
      },
    ]);
    $.opt(2, () => {
      $.c(0, K.ON);
      $.c(0, K.CONFLICT);
      const target = $.opt(3, () => $.s(4, $.parenIdentList));
      $.c(0, K.DO);
      const onConflict = $.alt(1, [
        {
          ALT: (): NonNullable<A.InsertStatement["onConflict"]> => {
            $.c(0, K.NOTHING);
            return { action: "nothing" };
          },
        },
        {
          ALT: (): NonNullable<A.InsertStatement["onConflict"]> => {
            $.c(0, K.UPDATE);
            $.c(0, K.SET);
            const set = $.sep(0, () => $.s(5, $.assignment)).flat();
            const where = $.opt(4, () => {
              $.c(0, K.WHERE);
              return $.s(6, $.expr);
            });
            const oc: NonNullable<A.InsertStatement["onConflict"]> = { action: "update", set };
            if (where) oc.where = where;
            return oc;
          },
        },
      ]);
      $.act(() => {
        if (target) onConflict.target = target;
        stmt.onConflict = onConflict;
      });
    });
    $.opt(5, () => {
      const r = $.s(7, $.returning);
      $.act(() => (stmt.returning = r));
    });
    return stmt;
  });

  $.updateStatement = $.rule("updateStatement", (): A.UpdateStatement => {
    $.c(0, K.UPDATE);
    $.opt(0, () => $.c(0, K.ONLY));
    const table = $.s(0, $.qualifiedName);
    const stmt: A.UpdateStatement = { kind: "update", table, set: [], from: [] };
    $.opt(
      1,
      () => {
        $.opt(2, () => $.c(0, K.AS));
        const alias = $.s(1, $.ident);
        $.act(() => (stmt.alias = alias));
      },
      () => $.la(1).tokenType === K.AS || ($.isIdent($.la(1)) && $.la(1).tokenType !== K.SET),
    );
    $.c(0, K.SET);
    const set = $.sep(0, () => $.s(2, $.assignment)).flat();
    $.act(() => (stmt.set = set));
    $.opt(3, () => {
      $.c(0, K.FROM);
      const from = $.s(3, $.fromList);
      $.act(() => (stmt.from = from));
    });
    $.opt(4, () => {
      $.c(0, K.WHERE);
      const where = $.s(4, $.expr);
      $.act(() => (stmt.where = where));
    });
    $.opt(5, () => {
      const r = $.s(5, $.returning);
      $.act(() => (stmt.returning = r));
    });
    return stmt;
  });

  $.deleteStatement = $.rule("deleteStatement", (): A.DeleteStatement => {
    $.c(0, K.DELETE);
    $.c(0, K.FROM);
    $.opt(0, () => $.c(0, K.ONLY));
    const table = $.s(0, $.qualifiedName);
    const stmt: A.DeleteStatement = { kind: "delete", table, using: [] };
    $.opt(
      1,
      () => {
        $.opt(2, () => $.c(0, K.AS));
        const alias = $.s(1, $.ident);
        $.act(() => (stmt.alias = alias));
      },
      () => $.la(1).tokenType === K.AS || $.isIdent($.la(1)),
    );
    $.opt(3, () => {
      $.c(0, K.USING);
      const using = $.s(2, $.fromList);
      $.act(() => (stmt.using = using));
    });
    $.opt(4, () => {
      $.c(0, K.WHERE);
      const where = $.s(3, $.expr);
      $.act(() => (stmt.where = where));
    });
    $.opt(5, () => {
      const r = $.s(4, $.returning);
      $.act(() => (stmt.returning = r));
    });
    return stmt;
  });

  // `col = expr | DEFAULT`, or `(c1, c2) = (e1, e2)` / `= ROW(e1, e2)` (one assignment per column)
  $.assignment = $.rule("assignment", (): { column: string; value: A.Expr | "default" }[] => {
    return $.alt(1, [
      {
        ALT: () => {
          const lp = $.c(0, LParen);
          const columns = $.sep(1, () => $.s(2, $.ident));
          $.c(0, RParen);
          $.c(1, Eq);
          const value = $.s(3, $.expr);
          return $.act(() => {
            if (columns.length === 1) return [{ column: columns[0], value }];
            if (value.kind !== "row" || value.fields.length !== columns.length) {
              if (value.kind === "subquery") throw new SqlError(SqlState.FeatureNotSupported, "multiple-column UPDATE with a subquery is not supported yet", { position: lp.pos });
              throw new SqlError(SqlState.SyntaxError, value.kind === "row" ? `number of columns does not match number of values` : "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression", { position: lp.pos });
            }
            return columns.map((column, i) => ({ column, value: value.fields[i] as A.Expr | "default" }));
          });
        },
      },
      {
        ALT: () => {
          const column = $.s(0, $.ident);
          $.c(0, Eq);
          const value = $.alt(0, [
            {
              ALT: (): A.Expr | "default" => {
                $.c(0, K.DEFAULT);
                return "default";
              },
            },
            { ALT: (): A.Expr | "default" => $.s(1, $.expr) },
          ]);
          return [{ column, value }];
        },
      },
    ]);
  });

  $.returning = $.rule("returning", (): A.SelectItem[] => {
    $.c(0, K.RETURNING);
    return $.s(0, $.selectList);
  });
}
