// Queries: WITH, set operations (INTERSECT binds tighter than UNION/EXCEPT), SELECT cores, VALUES,
// TABLE t, FROM items and joins, GROUP BY (ROLLUP/CUBE/GROUPING SETS), WINDOW, ORDER BY, LIMIT,
// OFFSET, FETCH and FOR UPDATE.

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import type { SqlToken } from "../lexer.js";
import { Ident, K, LParen, RParen, Star } from "../tokens.js";
import { tooDeepError } from "../errors.js";
import type { SelectTail } from "./common.js";

function setOp(t: SqlToken, all: boolean | undefined, left: A.QueryBody, right: A.QueryBody): A.SetOperation {
  const op = t.tokenType === K.UNION ? "union" : t.tokenType === K.INTERSECT ? "intersect" : "except";
  return { kind: "set_op", op, all: all ?? false, left, right, pos: t.pos };
}

/** A parenthesised query used as a query body: unwrap it when it adds nothing. */
function unwrap(q: A.Query): A.QueryBody {
  const bare = q.with === undefined && q.orderBy.length === 0 && q.limit === undefined && q.offset === undefined &&
    q.locking === undefined && q.withTies === undefined;
  return bare ? q.body : q;
}

function rowsToSets(items: A.Expr[]): A.Expr[][] {
  return items.map((e) => (e.kind === "row" ? e.fields : [e]));
}

function rollupSets(sets: A.Expr[][]): A.Expr[][] {
  const out: A.Expr[][] = [];
  for (let n = sets.length; n >= 0; n--) out.push(sets.slice(0, n).flat());
  return out;
}

function cubeSets(sets: A.Expr[][], text: string, pos: number | undefined): A.Expr[][] {
  if (sets.length > 12) throw tooDeepError(text, pos);
  const out: A.Expr[][] = [];
  const n = sets.length;
  for (let mask = (1 << n) - 1; mask >= 0; mask--) {
    const s: A.Expr[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << (n - 1 - i))) s.push(...sets[i]);
    out.push(s);
  }
  return out;
}

export function defineQueryRules($: SqlParser): void {
  $.query = $.rule("query", (): A.Query => {
    const pos = $.act(() => $.la(1).pos);
    const w = $.opt(0, () => $.s(0, $.withClause));
    const first = $.s(1, $.intersectTerm);
    const body = $.s(3, $.unionRest, first);
    const tail = $.s(2, $.selectTail);
    const q: A.Query = { kind: "query", body, orderBy: tail.orderBy, pos };
    $.act(() => {
      if (w) q.with = w;
      if (tail.limit) q.limit = tail.limit;
      if (tail.offset) q.offset = tail.offset;
      if (tail.withTies) q.withTies = true;
      if (tail.locking) q.locking = tail.locking;
    });
    return q;
  });

  $.withClause = $.rule("withClause", (): A.WithClause => {
    $.c(0, K.WITH);
    const recursive = $.opt(0, () => $.c(0, K.RECURSIVE)) !== undefined;
    const ctes = $.sep(0, () => $.s(0, $.cte));
    return { recursive, ctes };
  });

  $.cte = $.rule("cte", (): A.CommonTableExpr => {
    const nameTok = $.c(0, Ident);
    const columns = $.opt(0, () => $.s(0, $.parenIdentList));
    $.c(0, K.AS);
    const materialized = $.opt(1, () => {
      const not = $.opt(2, () => $.c(0, K.NOT)) !== undefined;
      $.c(0, K.MATERIALIZED);
      return !not;
    });
    $.c(0, LParen);
    const query = $.s(1, $.query);
    $.c(0, RParen);
    const cte: A.CommonTableExpr = { name: nameTok.value, query, pos: nameTok.pos };
    $.act(() => {
      if (columns) cte.columns = columns;
      if (materialized !== undefined) cte.materialized = materialized;
    });
    return cte;
  });

  $.unionRest = $.rule("unionRest", (left?: A.QueryBody): A.QueryBody => {
    let acc = left as A.QueryBody;
    $.rep(0, () => {
      const t = $.alt(0, [{ ALT: () => $.c(0, K.UNION) }, { ALT: () => $.c(0, K.EXCEPT) }]);
      const all = $.opt(0, () =>
        $.alt(1, [
          { ALT: () => { $.c(0, K.ALL); return true; } },
          { ALT: () => { $.c(0, K.DISTINCT); return false; } },
        ]),
      );
      const right = $.s(0, $.intersectTerm);
      acc = $.act(() => setOp(t, all, acc, right));
    });
    return acc;
  });

  $.intersectTerm = $.rule("intersectTerm", (): A.QueryBody => {
    let acc = $.s(0, $.queryPrimary);
    $.rep(0, () => {
      const t = $.c(0, K.INTERSECT);
      const all = $.opt(0, () =>
        $.alt(0, [
          { ALT: () => { $.c(0, K.ALL); return true; } },
          { ALT: () => { $.c(0, K.DISTINCT); return false; } },
        ]),
      );
      const right = $.s(1, $.queryPrimary);
      acc = $.act(() => setOp(t, all, acc, right));
    });
    return acc;
  });

  $.queryPrimary = $.rule("queryPrimary", (): A.QueryBody =>
    $.alt(0, [
      { ALT: () => $.s(0, $.selectCore) },
      { ALT: () => $.s(1, $.valuesBody) },
      {
        ALT: (): A.QueryBody => {
          const t = $.c(0, K.TABLE);
          const name = $.s(2, $.qualifiedName);
          return {
            kind: "select",
            items: [{ expr: { kind: "star", pos: t.pos }, pos: t.pos }],
            from: [{ kind: "table", name, pos: name.pos }],
            groupBy: [],
            windows: [],
            pos: t.pos,
          };
        },
      },
      {
        ALT: () => {
          $.c(0, LParen);
          const q = $.s(3, $.query);
          $.c(0, RParen);
          return $.act(() => unwrap(q));
        },
      },
    ]),
  );

  $.selectTail = $.rule("selectTail", (): SelectTail => {
    const tail: SelectTail = { orderBy: [] };
    $.opt(0, () => {
      $.c(0, K.ORDER);
      $.c(0, K.BY);
      const list = $.s(0, $.sortList);
      $.act(() => (tail.orderBy = list));
    });
    const seen = new Set<string>();
    const once = (t: SqlToken, what: string): void => {
      if (seen.has(what)) $.fail(t, `multiple ${what} clauses not allowed`);
      seen.add(what);
    };
    $.rep(0, () => {
      $.alt(0, [
        {
          ALT: () => {
            const t = $.c(0, K.LIMIT);
            const limit = $.alt(1, [
              { ALT: () => { $.c(0, K.ALL); return undefined; } },
              { ALT: () => $.s(1, $.expr) },
            ]);
            $.act(() => {
              once(t, "LIMIT");
              if (limit) tail.limit = limit;
            });
          },
        },
        {
          ALT: () => {
            const t = $.c(0, K.OFFSET);
            const offset = $.s(2, $.expr);
            $.opt(1, () => $.alt(2, [{ ALT: () => $.c(0, K.ROW) }, { ALT: () => $.c(0, K.ROWS) }]));
            $.act(() => {
              once(t, "OFFSET");
              tail.offset = offset;
            });
          },
        },
        {
          ALT: () => {
            const t = $.c(0, K.FETCH);
            $.alt(3, [{ ALT: () => $.c(0, K.FIRST) }, { ALT: () => $.c(0, K.NEXT) }]);
            const count = $.opt(
              2,
              () => $.s(3, $.expr),
              () => {
                const t1 = $.la(1).tokenType;
                const t2 = $.la(2).tokenType;
                return !((t1 === K.ROW || t1 === K.ROWS) && (t2 === K.ONLY || t2 === K.WITH));
              },
            );
            $.alt(4, [{ ALT: () => $.c(1, K.ROW) }, { ALT: () => $.c(1, K.ROWS) }]);
            const ties = $.alt(5, [
              { ALT: () => { $.c(0, K.ONLY); return false; } },
              { ALT: () => { $.c(0, K.WITH); $.c(0, K.TIES); return true; } },
            ]);
            $.act(() => {
              once(t, "LIMIT");
              tail.limit = count ?? { kind: "literal", value: { type: "integer", text: "1" }, pos: t.pos };
              if (ties) tail.withTies = true;
            });
          },
        },
        {
          ALT: () => {
            const t = $.c(0, K.FOR);
            const mode = $.alt(6, [
              { ALT: () => { $.c(0, K.UPDATE); return "update"; } },
              { ALT: () => { $.c(0, K.NO); $.c(0, K.KEY); $.c(1, K.UPDATE); return "no key update"; } },
              { ALT: () => { $.c(0, K.SHARE); return "share"; } },
              { ALT: () => { $.c(1, K.KEY); $.c(1, K.SHARE); return "key share"; } },
            ]);
            $.opt(3, () => {
              $.c(0, K.OF);
              $.sep(0, () => $.s(4, $.qualifiedName));
            });
            $.opt(4, () =>
              $.alt(7, [
                { ALT: () => { $.c(0, K.NOWAIT); } },
                { ALT: () => { $.c(0, K.SKIP); $.c(0, K.LOCKED); } },
              ]),
            );
            $.act(() => {
              if (!tail.locking) tail.locking = mode;
              void t;
            });
          },
        },
      ]);
    });
    return tail;
  });

  $.selectCore = $.rule("selectCore", (): A.SelectCore => {
    const t = $.c(0, K.SELECT);
    const core: A.SelectCore = { kind: "select", items: [], from: [], groupBy: [], windows: [], pos: t.pos };
    $.opt(0, () =>
      $.alt(0, [
        { ALT: () => { $.c(0, K.ALL); } },
        {
          ALT: () => {
            $.c(0, K.DISTINCT);
            const on = $.opt(1, () => {
              $.c(0, K.ON);
              $.c(0, LParen);
              const list = $.s(0, $.exprList);
              $.c(0, RParen);
              return list;
            });
            $.act(() => (core.distinct = on ?? []));
          },
        },
      ]),
    );
    $.opt(2, () => {
      const items = $.sep(2, () => $.s(1, $.selectItem));
      $.act(() => (core.items = items));
    });
    $.opt(3, () => {
      $.c(0, K.FROM);
      const from = $.s(2, $.fromList);
      $.act(() => (core.from = from));
    });
    $.opt(4, () => {
      $.c(0, K.WHERE);
      const where = $.s(3, $.aExpr, 0);
      $.act(() => (core.where = where));
    });
    $.opt(5, () => {
      $.c(0, K.GROUP);
      $.c(0, K.BY);
      $.opt(6, () => $.alt(1, [{ ALT: () => $.c(1, K.ALL) }, { ALT: () => $.c(1, K.DISTINCT) }]));
      const items = $.sep(0, () => $.s(4, $.groupItem));
      $.act(() => (core.groupBy = items));
    });
    $.opt(7, () => {
      $.c(0, K.HAVING);
      const having = $.s(5, $.aExpr, 0);
      $.act(() => (core.having = having));
    });
    $.opt(8, () => {
      $.c(0, K.WINDOW);
      const defs = $.sep(1, () => $.s(6, $.windowDef));
      $.act(() => (core.windows = defs));
    });
    $.opt(
      9,
      () => {
        $.c(0, K.EMIT);
        $.c(1, K.ON);
        $.c(1, K.WINDOW);
        $.c(0, K.CLOSE);
        $.act(() => (core.emitOnWindowClose = true));
      },
      () => $.la(2).tokenType === K.ON,
    );
    return core;
  });

  $.selectList = $.rule("selectList", (): A.SelectItem[] => $.sep(0, () => $.s(0, $.selectItem)));

  $.selectItem = $.rule("selectItem", (): A.SelectItem =>
    $.alt(0, [
      {
        ALT: (): A.SelectItem => {
          const t = $.c(0, Star);
          return { expr: { kind: "star", pos: t.pos }, pos: t.pos };
        },
      },
      {
        ALT: (): A.SelectItem => {
          const expr = $.s(0, $.aExpr, 0);
          const alias = $.opt(
            0,
            () =>
              $.alt(1, [
                {
                  ALT: () => {
                    $.c(0, K.AS);
                    return $.s(1, $.colLabel);
                  },
                },
                { ALT: () => $.c(0, Ident).value },
              ]),
            () => $.aliasAhead(),
          );
          const item: A.SelectItem = { expr, pos: $.act(() => firstPos(expr)) };
          if (alias !== undefined) item.alias = alias;
          return item;
        },
      },
    ]),
  );

  $.windowDef = $.rule("windowDef", () => {
    const name = $.s(0, $.ident);
    $.c(0, K.AS);
    const spec = $.s(1, $.windowSpec);
    return { name, spec };
  });

  $.valuesBody = $.rule("valuesBody", (): A.ValuesBody => {
    const t = $.c(0, K.VALUES);
    const rows = $.sep(0, () => $.s(0, $.valuesRow));
    return { kind: "values", rows, pos: t.pos };
  });

  $.valuesRow = $.rule("valuesRow", (): A.Expr[] => {
    $.c(0, LParen);
    const items = $.sep(0, () =>
      $.alt(0, [
        { ALT: (): A.Expr => ({ kind: "default", pos: $.c(0, K.DEFAULT).pos }) },
        { ALT: () => $.s(0, $.expr) },
      ]),
    );
    $.c(0, RParen);
    return items;
  });

  $.fromList = $.rule("fromList", (): A.FromItem[] => $.sep(0, () => $.s(0, $.fromItem)));

  $.fromItem = $.rule("fromItem", (): A.FromItem => {
    let left = $.s(0, $.tableRef);
    $.rep(0, () => {
      left = $.s(1, $.joinTail, left);
    });
    return left;
  });

  $.joinTail = $.rule("joinTail", (left?: A.FromItem): A.FromItem => {
    const l = left as A.FromItem;
    return $.alt(0, [
      {
        ALT: (): A.FromItem => {
          const t = $.c(0, K.CROSS);
          $.c(0, K.JOIN);
          const right = $.s(0, $.tableRef);
          return { kind: "join", joinType: "cross", natural: false, left: l, right, pos: t.pos };
        },
      },
      {
        ALT: (): A.FromItem => {
          const t = $.c(0, K.VECTOR);
          $.c(1, K.JOIN);
          const right = $.s(1, $.tableRef);
          $.c(0, K.ON);
          const on = $.s(2, $.expr);
          $.c(0, K.TOP);
          const top = $.s(3, $.expr);
          return { kind: "vector_join", left: l, right, on, top, pos: t.pos };
        },
      },
      {
        ALT: (): A.FromItem => {
          const first = $.act(() => $.la(1));
          const natural = $.opt(0, () => $.c(0, K.NATURAL)) !== undefined;
          const joinType = $.opt(1, () =>
            $.alt(1, [
              { ALT: () => { $.c(0, K.INNER); return "inner" as const; } },
              { ALT: () => { $.c(0, K.LEFT); $.opt(2, () => $.c(0, K.OUTER)); return "left" as const; } },
              { ALT: () => { $.c(0, K.RIGHT); $.opt(3, () => $.c(1, K.OUTER)); return "right" as const; } },
              { ALT: () => { $.c(0, K.FULL); $.opt(4, () => $.c(2, K.OUTER)); return "full" as const; } },
            ]),
          ) ?? "inner";
          const joinTok = $.c(2, K.JOIN);
          const right = $.s(4, $.tableRef);
          const cond = $.opt(5, () =>
            $.alt<{ on?: A.Expr; using?: string[]; t: SqlToken }>(2, [
              {
                ALT: () => {
                  const t = $.c(1, K.ON);
                  return { on: $.s(5, $.expr), t };
                },
              },
              {
                ALT: () => {
                  const t = $.c(0, K.USING);
                  return { using: $.s(6, $.parenIdentList), t };
                },
              },
            ]),
          );
          return $.act((): A.FromItem => {
            if (natural && cond) $.fail(cond.t);
            if (!natural && !cond) $.fail($.la(1), "Expected ON or USING after the joined table.");
            const j: A.JoinRef = { kind: "join", joinType, natural, left: l, right, pos: first.pos ?? joinTok.pos };
            if (cond?.on) j.on = cond.on;
            if (cond?.using) j.using = cond.using;
            return j;
          });
        },
      },
    ]);
  });

  $.tableRef = $.rule("tableRef", (): A.FromItem =>
    $.alt(
      0,
      [
        {
          ALT: (): A.FromItem => {
            $.c(0, K.LATERAL);
            return $.alt(1, [
              {
                GATE: () => $.queryParenAhead(1),
                ALT: (): A.FromItem => {
                  const t = $.c(0, LParen);
                  const query = $.s(0, $.query);
                  $.c(0, RParen);
                  const alias = $.opt(0, () => $.s(1, $.alias), () => $.aliasAhead());
                  const ref: A.SubqueryRef = { kind: "subquery", query, lateral: true, pos: t.pos };
                  if (alias) ref.alias = alias;
                  return ref;
                },
              },
              { ALT: () => $.s(2, $.namedFromItem, true) },
            ], true);
          },
        },
        {
          GATE: () => $.queryParenAhead(1),
          ALT: (): A.FromItem => {
            const t = $.c(1, LParen);
            const query = $.s(3, $.query);
            $.c(1, RParen);
            const alias = $.opt(1, () => $.s(4, $.alias), () => $.aliasAhead());
            const ref: A.SubqueryRef = { kind: "subquery", query, lateral: false, pos: t.pos };
            if (alias) ref.alias = alias;
            return ref;
          },
        },
        {
          ALT: (): A.FromItem => {
            $.c(2, LParen);
            const inner = $.s(5, $.fromItem);
            $.c(2, RParen);
            return inner;
          },
        },
        {
          ALT: (): A.FromItem => {
            $.c(0, K.ONLY);
            const name = $.s(6, $.qualifiedName);
            const alias = $.opt(2, () => $.s(7, $.alias), () => $.aliasAhead());
            const ref: A.TableRef = { kind: "table", name, pos: name.pos };
            if (alias) ref.alias = alias;
            return ref;
          },
        },
        { ALT: () => $.s(8, $.namedFromItem, false) },
      ],
      true,
    ),
  );

  // a table (with FOR SYSTEM_TIME AS OF PROCTIME()) or a function in FROM
  $.namedFromItem = $.rule("namedFromItem", (lateral?: boolean): A.FromItem => {
    const name = $.s(0, $.qualifiedName);
    return $.alt(0, [
      {
        ALT: (): A.FromItem => {
          const fa = $.s(1, $.funcArgs);
          const ord = $.opt(
            0,
            () => {
              $.c(0, K.WITH);
              $.c(0, K.ORDINALITY);
              return true;
            },
            () => $.la(2).tokenType === K.ORDINALITY,
          );
          const alias = $.opt(1, () => $.s(2, $.alias), () => $.aliasAhead());
          return $.act((): A.FromItem => {
            const call: A.FunctionCallExpr = { kind: "function", name, args: fa.args, pos: name.pos };
            if (fa.star) call.star = true;
            if (fa.distinct) call.distinct = true;
            if (fa.orderBy) call.orderBy = fa.orderBy;
            const ref: A.FunctionRef = { kind: "function", call, lateral: lateral ?? false, pos: name.pos };
            if (ord) ref.withOrdinality = true;
            if (alias) ref.alias = alias;
            return ref;
          });
        },
      },
      {
        ALT: (): A.FromItem => {
          const asOf = $.opt(
            2,
            () => {
              $.c(0, K.FOR);
              $.c(0, K.SYSTEM_TIME);
              $.c(0, K.AS);
              $.c(0, K.OF);
              return $.s(3, $.expr);
            },
            () => $.la(2).tokenType === K.SYSTEM_TIME,
          );
          const alias = $.opt(3, () => $.s(4, $.alias), () => $.aliasAhead());
          return $.act((): A.FromItem => {
            if (lateral) $.fail($.la(1));
            const ref: A.TableRef = { kind: "table", name, pos: name.pos };
            if (asOf) {
              const ok = asOf.kind === "function" && asOf.args.length === 0 &&
                asOf.name.parts[asOf.name.parts.length - 1] === "proctime";
              if (!ok) $.fail($.la(0), "Only FOR SYSTEM_TIME AS OF PROCTIME() is supported.");
              ref.asOfProctime = true;
            }
            if (alias) ref.alias = alias;
            return ref;
          });
        },
      },
    ]);
  });

  $.groupItem = $.rule("groupItem", (): A.GroupByItem =>
    $.alt(
      0,
      [
        {
          ALT: (): A.GroupByItem => {
            $.c(0, LParen);
            $.c(0, RParen);
            return { kind: "empty" };
          },
        },
        {
          ALT: (): A.GroupByItem => {
            const t = $.alt(1, [{ ALT: () => $.c(0, K.ROLLUP) }, { ALT: () => $.c(0, K.CUBE) }]);
            $.c(1, LParen);
            const list = $.s(0, $.exprList);
            $.c(1, RParen);
            return $.act(() => ({ kind: t.tokenType === K.ROLLUP ? "rollup" : "cube", sets: rowsToSets(list) }));
          },
        },
        {
          ALT: (): A.GroupByItem => {
            $.c(0, K.GROUPING);
            $.c(0, K.SETS);
            $.c(2, LParen);
            const sets: A.Expr[][] = [];
            $.sep(0, () => {
              const s = $.s(1, $.groupingSetElem);
              $.act(() => sets.push(...s));
            });
            $.c(2, RParen);
            return { kind: "grouping_sets", sets };
          },
        },
        { ALT: (): A.GroupByItem => ({ kind: "expr", expr: $.s(2, $.expr) }) },
      ],
      true,
    ),
  );

  // one element of GROUPING SETS (...), expanded into the sets it stands for
  $.groupingSetElem = $.rule("groupingSetElem", (): A.Expr[][] =>
    $.alt(
      0,
      [
        {
          ALT: (): A.Expr[][] => {
            $.c(0, LParen);
            $.c(0, RParen);
            return [[]];
          },
        },
        {
          ALT: (): A.Expr[][] => {
            const t = $.alt(1, [{ ALT: () => $.c(0, K.ROLLUP) }, { ALT: () => $.c(0, K.CUBE) }]);
            $.c(1, LParen);
            const list = $.s(0, $.exprList);
            $.c(1, RParen);
            return $.act(() =>
              t.tokenType === K.ROLLUP ? rollupSets(rowsToSets(list)) : cubeSets(rowsToSets(list), $.ctx.text, t.pos),
            );
          },
        },
        {
          ALT: (): A.Expr[][] => {
            $.c(0, K.GROUPING);
            $.c(0, K.SETS);
            $.c(2, LParen);
            const sets: A.Expr[][] = [];
            $.sep(0, () => {
              const s = $.s(1, $.groupingSetElem);
              $.act(() => sets.push(...s));
            });
            $.c(2, RParen);
            return sets;
          },
        },
        {
          ALT: (): A.Expr[][] => {
            const e = $.s(2, $.expr);
            return $.act(() => rowsToSets([e]));
          },
        },
      ],
      true,
    ),
  );
}

/** Position of an expression's first token (binary nodes carry their operator's position). */
export function firstPos(e: A.Expr): number | undefined {
  let cur: A.Expr = e;
  for (;;) {
    switch (cur.kind) {
      case "binary":
        cur = cur.left;
        continue;
      case "like":
      case "between":
      case "in_list":
      case "in_subquery":
      case "is":
      case "quantified":
        cur = cur.expr;
        continue;
      case "cast":
        if (cur.expr.pos !== undefined && cur.pos !== undefined && cur.expr.pos < cur.pos) {
          cur = cur.expr;
          continue;
        }
        return cur.pos;
      case "subscript":
        cur = cur.expr;
        continue;
      default:
        return cur.pos;
    }
  }
}
