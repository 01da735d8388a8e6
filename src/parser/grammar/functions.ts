// Function calls: arguments (count(*), DISTINCT, ORDER BY), WITHIN GROUP, FILTER, OVER with
// window specifications and frames; and the niladic SQL functions (CURRENT_DATE, ...).

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import { Ident, IntegerLiteral, K, LParen, RParen, Star } from "../tokens.js";
import { fnCall, type FuncArgs } from "./common.js";

export function defineFunctionRules($: SqlParser): void {
  $.funcArgs = $.rule("funcArgs", (): FuncArgs => {
    $.c(0, LParen);
    const r = $.opt(2, () =>
      $.alt(0, [
        {
          ALT: (): FuncArgs => {
            $.c(0, Star);
            return { args: [], star: true };
          },
        },
        {
          ALT: (): FuncArgs => {
            const distinct = $.opt(0, () =>
              $.alt(1, [
                { ALT: () => { $.c(0, K.DISTINCT); return true; } },
                { ALT: () => { $.c(0, K.ALL); return false; } },
              ]),
            );
            const args = $.sep(0, () => $.s(0, $.aExpr, 0));
            const orderBy = $.opt(1, () => {
              $.c(0, K.ORDER);
              $.c(0, K.BY);
              return $.s(1, $.sortList);
            });
            const out: FuncArgs = { args };
            if (distinct) out.distinct = true;
            if (orderBy) out.orderBy = orderBy;
            return out;
          },
        },
      ]),
    );
    $.c(0, RParen);
    return r ?? { args: [] };
  });

  $.funcTail = $.rule("funcTail", (name?: A.QualifiedName): A.FunctionCallExpr => {
    const fa = $.s(0, $.funcArgs);
    const call: A.FunctionCallExpr = $.act(() => {
      const c: A.FunctionCallExpr = { kind: "function", name: name!, args: fa.args, pos: name!.pos };
      if (fa.star) c.star = true;
      if (fa.distinct) c.distinct = true;
      if (fa.orderBy) c.orderBy = fa.orderBy;
      return c;
    });
    $.opt(
      0,
      () => {
        const t = $.c(0, K.WITHIN);
        $.c(0, K.GROUP);
        $.c(0, LParen);
        $.c(0, K.ORDER);
        $.c(0, K.BY);
        const orderBy = $.s(1, $.sortList);
        $.c(0, RParen);
        $.act(() => {
          if (call.orderBy) $.fail(t);
          call.orderBy = orderBy;
          call.withinGroup = true;
        });
      },
      () => $.la(2).tokenType === K.GROUP,
    );
    $.opt(
      1,
      () => {
        $.c(0, K.FILTER);
        $.c(1, LParen);
        $.c(0, K.WHERE);
        const filter = $.s(2, $.expr);
        $.c(1, RParen);
        $.act(() => (call.filter = filter));
      },
      () => $.la(2).tokenType === LParen,
    );
    $.opt(
      2,
      () => {
        $.c(0, K.OVER);
        const over = $.alt(0, [
          {
            ALT: (): A.WindowSpec => {
              const t = $.c(0, Ident);
              return { baseName: t.value, partitionBy: [], orderBy: [], pos: t.pos };
            },
          },
          { ALT: () => $.s(3, $.windowSpec) },
        ]);
        $.act(() => (call.over = over));
      },
      () => $.la(2).tokenType === LParen || $.isIdent($.la(2)),
    );
    return call;
  });

  $.windowSpec = $.rule("windowSpec", (): A.WindowSpec => {
    const t = $.c(0, LParen);
    const spec: A.WindowSpec = { partitionBy: [], orderBy: [], pos: t.pos };
    $.opt(
      0,
      () => {
        const b = $.c(0, Ident);
        $.act(() => (spec.baseName = b.value));
      },
      () => {
        const tt = $.la(1).tokenType;
        return tt !== K.PARTITION && tt !== K.ROWS && tt !== K.RANGE && tt !== K.GROUPS;
      },
    );
    $.opt(1, () => {
      $.c(0, K.PARTITION);
      $.c(0, K.BY);
      const list = $.s(0, $.exprList);
      $.act(() => (spec.partitionBy = list));
    });
    $.opt(2, () => {
      $.c(0, K.ORDER);
      $.c(1, K.BY);
      const list = $.s(1, $.sortList);
      $.act(() => (spec.orderBy = list));
    });
    $.opt(3, () => {
      const mode = $.alt(0, [
        { ALT: () => { $.c(0, K.ROWS); return "rows" as const; } },
        { ALT: () => { $.c(0, K.RANGE); return "range" as const; } },
        { ALT: () => { $.c(0, K.GROUPS); return "groups" as const; } },
      ]);
      const frame = $.alt(1, [
        {
          ALT: (): A.WindowFrame => {
            $.c(0, K.BETWEEN);
            const start = $.s(2, $.frameBound);
            $.c(0, K.AND);
            const end = $.s(3, $.frameBound);
            return { mode, start, end };
          },
        },
        { ALT: (): A.WindowFrame => ({ mode, start: $.s(4, $.frameBound) }) },
      ]);
      $.act(() => (spec.frame = frame));
    });
    $.c(0, RParen);
    return spec;
  });

  $.frameBound = $.rule("frameBound", (): A.FrameBound =>
    $.alt(
      0,
      [
        {
          ALT: (): A.FrameBound => {
            $.c(0, K.UNBOUNDED);
            return $.alt(1, [
              { ALT: (): A.FrameBound => { $.c(0, K.PRECEDING); return { kind: "unbounded_preceding" }; } },
              { ALT: (): A.FrameBound => { $.c(0, K.FOLLOWING); return { kind: "unbounded_following" }; } },
            ]);
          },
        },
        {
          ALT: (): A.FrameBound => {
            $.c(0, K.CURRENT);
            $.c(0, K.ROW);
            return { kind: "current_row" };
          },
        },
        {
          ALT: (): A.FrameBound => {
            const offset = $.s(0, $.expr);
            return $.alt(2, [
              { ALT: (): A.FrameBound => { $.c(1, K.PRECEDING); return { kind: "preceding", offset }; } },
              { ALT: (): A.FrameBound => { $.c(1, K.FOLLOWING); return { kind: "following", offset }; } },
            ]);
          },
        },
      ],
      true,
    ),
  );

  $.niladic = $.rule("niladic", (): A.Expr => {
    const t = $.alt(0, [
      { ALT: () => $.c(0, K.CURRENT_DATE) },
      { ALT: () => $.c(0, K.CURRENT_TIME) },
      { ALT: () => $.c(0, K.CURRENT_TIMESTAMP) },
      { ALT: () => $.c(0, K.LOCALTIME) },
      { ALT: () => $.c(0, K.LOCALTIMESTAMP) },
      { ALT: () => $.c(0, K.CURRENT_USER) },
      { ALT: () => $.c(0, K.CURRENT_ROLE) },
      { ALT: () => $.c(0, K.SESSION_USER) },
      { ALT: () => $.c(0, K.USER) },
      { ALT: () => $.c(0, K.SYSTEM_USER) },
      { ALT: () => $.c(0, K.CURRENT_CATALOG) },
      { ALT: () => $.c(0, K.CURRENT_SCHEMA) },
    ]);
    const args: A.Expr[] = [];
    $.opt(
      0,
      () => {
        $.c(0, LParen);
        $.opt(1, () => {
          const n = $.c(0, IntegerLiteral);
          args.push({ kind: "literal", value: { type: "integer", text: n.value }, pos: n.pos });
        });
        $.c(0, RParen);
      },
      () => {
        const tt = t.tokenType;
        return tt === K.CURRENT_TIME || tt === K.CURRENT_TIMESTAMP || tt === K.LOCALTIME ||
          tt === K.LOCALTIMESTAMP || tt === K.CURRENT_SCHEMA;
      },
    );
    return fnCall(t.value, args, t.pos);
  });

}
