// SQL's special-syntax expressions: INTERVAL literals with qualifiers, EXTRACT, POSITION,
// SUBSTRING, TRIM, OVERLAY and ROW. Each rule runs after its keyword (consumed by nameExpr, since
// these keywords are also ordinary names).

import type { TokenType } from "chevrotain";
import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import type { SqlToken } from "../lexer.js";
import { Comma, Ident, IntegerLiteral, K, LParen, RParen, StringLiteral } from "../tokens.js";
import { fnCall } from "./common.js";
import { P_LIKE } from "./expressions.js";

const TRIM_FN: Record<string, string> = { both: "btrim", leading: "ltrim", trailing: "rtrim" };

/** Keywords whose `(` starts special syntax rather than an ordinary call. */
export const SPECIAL_FORM_KEYWORDS = new Set<TokenType>([K.EXTRACT, K.POSITION, K.SUBSTRING, K.TRIM, K.OVERLAY, K.ROW]);

export function defineSpecialFormRules($: SqlParser): void {
  // INTERVAL '...' [qualifier], after the INTERVAL keyword
  $.intervalTail = $.rule("intervalTail", (kw?: SqlToken): A.Expr => {
    const t = kw ?? ({} as SqlToken);
    const s = $.c(0, StringLiteral);
    const qualifier = $.opt(0, () => $.s(0, $.intervalQualifier));
    const e: A.IntervalLiteralExpr = { kind: "interval_literal", value: s.value, pos: t.pos };
    if (qualifier) e.qualifier = qualifier;
    return e;
  });

  $.intervalQualifier = $.rule("intervalQualifier", (): string => {
    let q = $.s(0, $.intervalField);
    $.opt(0, () => {
      $.c(0, LParen);
      $.c(0, IntegerLiteral);
      $.c(0, RParen);
    });
    $.opt(1, () => {
      $.c(0, K.TO);
      const to = $.s(1, $.intervalField);
      q = `${q} to ${to}`;
      $.opt(2, () => {
        $.c(1, LParen);
        $.c(1, IntegerLiteral);
        $.c(1, RParen);
      });
    });
    return q;
  });

  $.intervalField = $.rule("intervalField", (): string =>
    $.alt(0, [
      { ALT: () => $.c(0, K.YEAR).value },
      { ALT: () => $.c(0, K.MONTH).value },
      { ALT: () => $.c(0, K.DAY).value },
      { ALT: () => $.c(0, K.HOUR).value },
      { ALT: () => $.c(0, K.MINUTE).value },
      { ALT: () => $.c(0, K.SECOND).value },
    ]),
  );

  // EXTRACT / POSITION / OVERLAY / SUBSTRING / TRIM / ROW (...), after the keyword
  $.specialTail = $.rule("specialTail", (kw?: SqlToken): A.Expr => {
    const t = kw ?? ({} as SqlToken);
    const is = (k: TokenType) => (): boolean => t.tokenType === k;
    return $.alt(
      0,
      [
        {
          // EXTRACT(field FROM x) → extract('field', x)
          GATE: is(K.EXTRACT),
          ALT: () => {
            $.c(0, LParen);
            const f = $.alt(1, [{ ALT: () => $.c(0, Ident) }, { ALT: () => $.c(0, StringLiteral) }]);
            $.c(0, K.FROM);
            const x = $.s(0, $.expr);
            $.c(0, RParen);
            return $.act(() =>
              fnCall("extract", [{ kind: "literal", value: { type: "string", value: f.value.toLowerCase() }, pos: f.pos }, x], t.pos),
            ) as A.Expr;
          },
        },
        {
          // POSITION(a IN b) → position(b, a), as Postgres (the string, then the substring)
          GATE: is(K.POSITION),
          ALT: () => {
            $.c(1, LParen);
            const a = $.s(1, $.aExpr, P_LIKE + 1);
            $.c(0, K.IN);
            const b = $.s(2, $.expr);
            $.c(1, RParen);
            return fnCall("position", [b, a], t.pos) as A.Expr;
          },
        },
        { GATE: is(K.SUBSTRING), ALT: () => $.s(3, $.substringTail, t) },
        { GATE: is(K.TRIM), ALT: () => $.s(4, $.trimTail, t) },
        {
          // OVERLAY(a PLACING b FROM c [FOR d]) → overlay(a, b, c[, d]); or overlay(args...)
          GATE: is(K.OVERLAY),
          ALT: () => {
            $.c(2, LParen);
            const a = $.s(5, $.expr);
            const args = $.alt(2, [
              {
                ALT: () => {
                  $.c(0, K.PLACING);
                  const b = $.s(6, $.expr);
                  $.c(1, K.FROM);
                  const c = $.s(7, $.expr);
                  const d = $.opt(0, () => {
                    $.c(0, K.FOR);
                    return $.s(8, $.expr);
                  });
                  return d ? [a, b, c, d] : [a, b, c];
                },
              },
              {
                ALT: () => {
                  const rest: A.Expr[] = [a];
                  $.rep(0, () => {
                    $.c(0, Comma);
                    rest.push($.s(9, $.expr));
                  });
                  return rest;
                },
              },
            ]);
            $.c(2, RParen);
            return fnCall("overlay", args, t.pos) as A.Expr;
          },
        },
        {
          // ROW(a, b)
          GATE: is(K.ROW),
          ALT: (): A.Expr => {
            $.c(3, LParen);
            const fields = $.opt(1, () => $.s(10, $.exprList)) ?? [];
            $.c(3, RParen);
            return { kind: "row", fields, pos: t.pos };
          },
        },
      ],
      true,
    );
  });

  $.substringTail = $.rule("substringTail", (kw?: SqlToken): A.Expr => {
    const t = kw ?? ({} as SqlToken);
    $.c(0, LParen);
    const x = $.s(0, $.expr);
    const args = $.alt(0, [
      {
        ALT: () => {
          $.c(0, K.FROM);
          const from = $.s(1, $.expr);
          const len = $.opt(0, () => {
            $.c(0, K.FOR);
            return $.s(2, $.expr);
          });
          return len ? [x, from, len] : [x, from];
        },
      },
      {
        ALT: () => {
          $.c(1, K.FOR);
          const len = $.s(3, $.expr);
          const from = $.opt(1, () => {
            $.c(1, K.FROM);
            return $.s(4, $.expr);
          });
          const one: A.Expr = { kind: "literal", value: { type: "integer", text: "1" }, pos: t.pos };
          return [x, from ?? one, len];
        },
      },
      {
        ALT: () => {
          const rest: A.Expr[] = [x];
          $.rep(0, () => {
            $.c(0, Comma);
            rest.push($.s(5, $.expr));
          });
          return rest;
        },
      },
    ]);
    $.c(0, RParen);
    return fnCall("substring", args, t.pos);
  });

  $.trimTail = $.rule("trimTail", (kw?: SqlToken): A.Expr => {
    const t = kw ?? ({} as SqlToken);
    $.c(0, LParen);
    const dir = $.opt(0, () =>
      $.alt(0, [
        { ALT: () => $.c(0, K.BOTH).value },
        { ALT: () => $.c(0, K.LEADING).value },
        { ALT: () => $.c(0, K.TRAILING).value },
      ]),
    );
    const args = $.alt(1, [
      {
        ALT: () => {
          $.c(0, K.FROM);
          return $.s(0, $.exprList);
        },
      },
      {
        ALT: () => {
          const first = $.s(1, $.expr);
          return $.alt(2, [
            {
              ALT: () => {
                $.c(1, K.FROM);
                const list = $.s(2, $.exprList);
                return $.act(() => [...list, first]);
              },
            },
            {
              ALT: () => {
                const rest: A.Expr[] = [first];
                $.rep(0, () => {
                  $.c(0, Comma);
                  rest.push($.s(3, $.expr));
                });
                return rest;
              },
            },
          ]);
        },
      },
    ]);
    $.c(0, RParen);
    return $.act(() => fnCall(TRIM_FN[dir ?? "both"], args, t.pos));
  });

}
