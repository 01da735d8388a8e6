// Expressions, by precedence climbing (one rule for all binary levels keeps the parser fast and
// its recursion shallow). Postgres's precedence, loosest first:
//   OR < AND < NOT < IS, ISNULL, NOTNULL < comparison < BETWEEN IN LIKE ILIKE SIMILAR
//   < other operators (||, ->, <->, ~, ...) < + - < * / % < ^ < AT TIME ZONE < unary minus
//   < :: < [] subscripts.

import type { TokenType } from "chevrotain";
import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import type { SqlToken } from "../lexer.js";
import {
  BinaryOperator, BitStringLiteral, Caret, Colon, DecimalLiteral, Dot, DoubleColon, Eq, Ge, Gt,
  Ident, IntegerLiteral, K, LBracket, LParen, Le, Lt, Minus, NotEq, Op, Param, Percent, Plus,
  RBracket, RParen, Slash, Star, StringLiteral,
} from "../tokens.js";
import { canonicalType, fnCall, stringOf } from "./common.js";
import { SPECIAL_FORM_KEYWORDS } from "./special-forms.js";

export const P_OR = 1;
export const P_AND = 2;
export const P_NOT = 3;
export const P_IS = 4;
export const P_CMP = 5;
export const P_LIKE = 6;
export const P_OP = 7;
export const P_ADD = 8;
export const P_MUL = 9;
export const P_EXP = 10;
export const P_AT = 11;
export const P_UMINUS = 12;

const BINARY_PREC = new Map<TokenType, number>([
  [K.OR, P_OR], [K.AND, P_AND],
  [Eq, P_CMP], [NotEq, P_CMP], [Lt, P_CMP], [Le, P_CMP], [Gt, P_CMP], [Ge, P_CMP],
  [Op, P_OP], [Plus, P_ADD], [Minus, P_ADD], [Star, P_MUL], [Slash, P_MUL], [Percent, P_MUL],
  [Caret, P_EXP],
]);
const POSTFIX_PREC = new Map<TokenType, number>([
  [K.IS, P_IS], [K.ISNULL, P_IS], [K.NOTNULL, P_IS],
  [K.BETWEEN, P_LIKE], [K.IN, P_LIKE], [K.LIKE, P_LIKE], [K.ILIKE, P_LIKE], [K.SIMILAR, P_LIKE],
]);

/** Binding power of the infix construct starting at t1 (t2 follows it); -1 if none. */
export function infixPrec(t1: SqlToken, t2: SqlToken): number {
  const tt = t1.tokenType;
  const p = BINARY_PREC.get(tt) ?? POSTFIX_PREC.get(tt);
  if (p !== undefined) return p;
  if (tt === K.NOT) {
    const t = t2.tokenType;
    return t === K.BETWEEN || t === K.IN || t === K.LIKE || t === K.ILIKE || t === K.SIMILAR ? P_LIKE : -1;
  }
  if (tt === K.AT) return t2.tokenType === K.TIME ? P_AT : -1;
  if (tt === K.OPERATOR) return t2.tokenType === LParen ? P_OP : -1;
  return -1;
}

function binaryPrec(t: SqlToken): number {
  return BINARY_PREC.get(t.tokenType) ?? P_OP;
}

const LIKE_OPS: Record<string, { op: "like" | "ilike"; negated: boolean }> = {
  "~~": { op: "like", negated: false },
  "~~*": { op: "ilike", negated: false },
  "!~~": { op: "like", negated: true },
  "!~~*": { op: "ilike", negated: true },
};

function makeBinary(t: SqlToken, left: A.Expr, right: A.Expr): A.Expr {
  const like = LIKE_OPS[t.value];
  if (t.tokenType === Op && like) {
    return { kind: "like", op: like.op, expr: left, pattern: right, negated: like.negated, pos: t.pos };
  }
  const op = t.tokenType === NotEq ? "<>" : t.value;
  return { kind: "binary", op, left, right, pos: t.pos };
}

/** Unary minus on a numeric literal folds into the literal, as Postgres does. */
function signed(t: SqlToken, e: A.Expr): A.Expr {
  if (t.tokenType === Minus && e.kind === "literal" && (e.value.type === "integer" || e.value.type === "decimal")) {
    const text = e.value.text.startsWith("-") ? e.value.text.slice(1) : "-" + e.value.text;
    return { kind: "literal", value: { type: e.value.type, text }, pos: t.pos };
  }
  return { kind: "unary", op: t.value, operand: e, pos: t.pos };
}


export function defineExpressionRules($: SqlParser): void {
  $.expr = $.rule("expr", (): A.Expr => $.s(0, $.aExpr, 0));

  $.exprList = $.rule("exprList", (): A.Expr[] => $.sep(0, () => $.s(0, $.aExpr, 0)));

  $.aExpr = $.rule("aExpr", (minPrec: number = 0): A.Expr => {
    let left = $.alt(0, [
      {
        ALT: () => {
          const t = $.c(0, K.NOT);
          const e = $.s(0, $.aExpr, P_NOT + 1);
          return { kind: "unary", op: "not", operand: e, pos: t.pos } as A.Expr;
        },
      },
      {
        ALT: () => {
          const t = $.c(0, Op);
          const e = $.s(1, $.aExpr, P_OP + 1);
          return { kind: "unary", op: t.value, operand: e, pos: t.pos } as A.Expr;
        },
      },
      {
        GATE: () => $.la(2).tokenType === LParen,
        ALT: () => {
          const op = $.s(5, $.operatorName);
          const e = $.s(6, $.aExpr, P_OP + 1);
          return { kind: "unary", op: op.value, operand: e, pos: op.pos } as A.Expr;
        },
      },
      {
        // unary minus/plus bind tighter than every binary operator
        ALT: () => {
          const t = $.alt(1, [{ ALT: () => $.c(0, Minus) }, { ALT: () => $.c(0, Plus) }]);
          const e = $.s(2, $.aExpr, P_UMINUS);
          return $.act(() => signed(t, e));
        },
      },
      { ALT: () => $.s(4, $.primary) },
    ]);
    $.rep(
      0,
      () => {
        left = $.s(3, $.infixTail, left);
      },
      () => infixPrec($.la(1), $.la(2)) >= minPrec,
    );
    return left;
  });

  $.infixTail = $.rule("infixTail", (left?: A.Expr): A.Expr => {
    const l = left as A.Expr;
    return $.alt(0, [
      {
        // binary operators, or `op ANY|SOME|ALL (...)`
        ALT: () => {
          const t = $.c(0, BinaryOperator);
          return $.alt(1, [
            {
              ALT: () => {
                const q = $.alt(2, [
                  { ALT: () => $.c(0, K.ANY) },
                  { ALT: () => $.c(0, K.SOME) },
                  { ALT: () => $.c(0, K.ALL) },
                ]);
                const content = $.s(0, $.parenQueryOrList);
                return $.act((): A.Expr => {
                  const op = t.tokenType === NotEq ? "<>" : t.value;
                  const quantifier = q.tokenType === K.ALL ? "all" : "any";
                  if (content.query) return { kind: "quantified", op, quantifier, expr: l, query: content.query, pos: t.pos };
                  if (content.exprs.length !== 1) $.fail(q);
                  return { kind: "quantified", op, quantifier, expr: l, array: content.exprs[0], pos: t.pos };
                });
              },
            },
            {
              ALT: () => {
                const right = $.s(1, $.aExpr, $.act(() => binaryPrec(t) + 1));
                return $.act(() => makeBinary(t, l, right));
              },
            },
          ]);
        },
      },
      {
        // IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x
        ALT: () => {
          const t = $.c(0, K.IS);
          const not = $.opt(0, () => $.c(0, K.NOT)) !== undefined;
          return $.alt(3, [
            { ALT: () => { $.c(0, K.NULL); return { kind: "is", expr: l, test: "null", negated: not, pos: t.pos } as A.Expr; } },
            { ALT: () => { $.c(0, K.TRUE); return { kind: "is", expr: l, test: "true", negated: not, pos: t.pos } as A.Expr; } },
            { ALT: () => { $.c(0, K.FALSE); return { kind: "is", expr: l, test: "false", negated: not, pos: t.pos } as A.Expr; } },
            { ALT: () => { $.c(0, K.UNKNOWN); return { kind: "is", expr: l, test: "unknown", negated: not, pos: t.pos } as A.Expr; } },
            {
              ALT: () => {
                $.c(0, K.DISTINCT);
                $.c(0, K.FROM);
                const right = $.s(2, $.aExpr, P_IS + 1);
                const op = not ? "is not distinct from" : "is distinct from";
                return { kind: "binary", op, left: l, right, pos: t.pos } as A.Expr;
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          const t = $.c(0, K.ISNULL);
          return { kind: "is", expr: l, test: "null", negated: false, pos: t.pos } as A.Expr;
        },
      },
      {
        ALT: () => {
          const t = $.c(0, K.NOTNULL);
          return { kind: "is", expr: l, test: "null", negated: true, pos: t.pos } as A.Expr;
        },
      },
      {
        // [NOT] BETWEEN | IN | LIKE | ILIKE | SIMILAR TO
        ALT: () => {
          const negated = $.opt(1, () => $.c(1, K.NOT)) !== undefined;
          return $.alt(4, [
            {
              ALT: () => {
                const t = $.c(0, K.BETWEEN);
                const sym = $.opt(2, () =>
                  $.alt(5, [
                    { ALT: () => { $.c(0, K.SYMMETRIC); return true; } },
                    { ALT: () => { $.c(0, K.ASYMMETRIC); return false; } },
                  ]),
                );
                const low = $.s(3, $.aExpr, P_LIKE + 1);
                $.c(0, K.AND);
                const high = $.s(4, $.aExpr, P_LIKE + 1);
                const e: A.BetweenExpr = { kind: "between", expr: l, low, high, negated, pos: t.pos };
                if (sym) e.symmetric = true;
                return e as A.Expr;
              },
            },
            {
              ALT: () => {
                const t = $.c(0, K.IN);
                const content = $.s(1, $.parenQueryOrList);
                return $.act((): A.Expr =>
                  content.query
                    ? { kind: "in_subquery", expr: l, query: content.query, negated, pos: t.pos }
                    : { kind: "in_list", expr: l, list: content.exprs, negated, pos: t.pos },
                );
              },
            },
            {
              ALT: () => {
                const t = $.alt(6, [
                  { ALT: () => $.c(0, K.LIKE) },
                  { ALT: () => $.c(0, K.ILIKE) },
                  {
                    ALT: () => {
                      const s = $.c(0, K.SIMILAR);
                      $.c(0, K.TO);
                      return s;
                    },
                  },
                ]);
                return $.alt(7, [
                  {
                    // x [NOT] LIKE ANY|SOME|ALL (array | subquery)
                    ALT: () => {
                      const q = $.alt(8, [
                        { ALT: () => $.c(1, K.ANY) },
                        { ALT: () => $.c(1, K.SOME) },
                        { ALT: () => $.c(1, K.ALL) },
                      ]);
                      const content = $.s(10, $.parenQueryOrList);
                      return $.act((): A.Expr => {
                        const base = t.tokenType === K.LIKE ? "like" : t.tokenType === K.ILIKE ? "ilike" : "similar";
                        const op = negated ? `not ${base}` : base;
                        const quantifier = q.tokenType === K.ALL ? "all" : "any";
                        if (content.query) return { kind: "quantified", op, quantifier, expr: l, query: content.query, pos: t.pos };
                        if (content.exprs.length !== 1) $.fail(q);
                        return { kind: "quantified", op, quantifier, expr: l, array: content.exprs[0], pos: t.pos };
                      });
                    },
                  },
                  {
                    ALT: () => {
                      const pattern = $.s(5, $.aExpr, P_LIKE + 1);
                      const escape = $.opt(3, () => {
                        $.c(0, K.ESCAPE);
                        return $.s(6, $.aExpr, P_LIKE + 1);
                      });
                      return $.act((): A.Expr => {
                        const op = t.tokenType === K.LIKE ? "like" : t.tokenType === K.ILIKE ? "ilike" : "similar";
                        const e: A.LikeExpr = { kind: "like", op, expr: l, pattern, negated, pos: t.pos };
                        if (escape) e.escape = escape;
                        return e;
                      });
                    },
                  },
                ]);
              },
            },
          ]);
        },
      },
      {
        // x OPERATOR(pg_catalog.~) y
        ALT: () => {
          const op = $.s(8, $.operatorName);
          const right = $.s(9, $.aExpr, P_OP + 1);
          return $.act(() => makeBinary(op, l, right));
        },
      },
      {
        // x AT TIME ZONE zone → timezone(zone, x)
        ALT: () => {
          const t = $.c(0, K.AT);
          $.c(0, K.TIME);
          $.c(0, K.ZONE);
          const zone = $.s(7, $.aExpr, P_AT + 1);
          return fnCall("timezone", [zone, l], t.pos) as A.Expr;
        },
      },
    ]);
  });

  $.primary = $.rule("primary", (): A.Expr => {
    let e = $.alt<A.Expr>(
      0,
      [
        {
          ALT: () => {
            const t = $.c(0, IntegerLiteral);
            return { kind: "literal", value: { type: "integer", text: t.value }, pos: t.pos };
          },
        },
        {
          ALT: () => {
            const t = $.c(0, DecimalLiteral);
            return { kind: "literal", value: { type: "decimal", text: t.value }, pos: t.pos };
          },
        },
        { ALT: () => stringOf($.c(0, StringLiteral)) },
        {
          ALT: () => {
            const t = $.c(0, BitStringLiteral);
            return { kind: "literal", value: { type: "bitstring", value: t.value }, pos: t.pos };
          },
        },
        { ALT: () => ({ kind: "literal", value: { type: "boolean", value: true }, pos: $.c(0, K.TRUE).pos }) },
        { ALT: () => ({ kind: "literal", value: { type: "boolean", value: false }, pos: $.c(0, K.FALSE).pos }) },
        { ALT: () => ({ kind: "literal", value: { type: "null" }, pos: $.c(0, K.NULL).pos }) },
        {
          ALT: () => {
            const t = $.c(0, Param);
            return { kind: "param", index: $.act(() => Number(t.value)), pos: t.pos };
          },
        },
        {
          // a scalar subquery
          GATE: () => $.queryParenAhead(1),
          ALT: (): A.Expr => {
            const t = $.c(3, LParen);
            const query = $.s(12, $.query);
            $.c(3, RParen);
            return { kind: "subquery", query, pos: t.pos };
          },
        },
        {
          // a parenthesised expression, or a row (a, b)
          ALT: (): A.Expr => {
            const t = $.c(4, LParen);
            const list = $.sep(0, () => $.s(13, $.aExpr, 0));
            $.c(4, RParen);
            return $.act(() => (list.length === 1 ? list[0] : { kind: "row", fields: list, pos: t.pos }));
          },
        },
        { ALT: () => $.s(1, $.caseExpr) },
        {
          ALT: () => {
            const t = $.c(0, K.CAST);
            $.c(0, LParen);
            const e = $.s(2, $.expr);
            $.c(0, K.AS);
            const type = $.s(3, $.typeName);
            $.c(0, RParen);
            return { kind: "cast", expr: e, type, pos: t.pos };
          },
        },
        {
          ALT: () => {
            const t = $.c(0, K.EXISTS);
            $.c(1, LParen);
            const q = $.s(4, $.query);
            $.c(1, RParen);
            return { kind: "exists", query: q, negated: false, pos: t.pos };
          },
        },
        { ALT: () => $.s(5, $.arrayExpr) },
        { ALT: () => $.s(9, $.niladic) },
        {
          // LEFT(s, n) / RIGHT(s, n): reserved words that are also function names
          ALT: () => {
            const t = $.alt(1, [{ ALT: () => $.c(0, K.LEFT) }, { ALT: () => $.c(0, K.RIGHT) }]);
            return $.s(10, $.funcTail, { parts: [t.value], pos: t.pos });
          },
        },
        { ALT: () => $.s(11, $.nameExpr) },
      ],
      true,
    );
    $.rep(20, () => {
      $.alt(20, [
        {
          ALT: () => {
            const t = $.c(20, DoubleColon);
            const type = $.s(21, $.typeName);
            e = { kind: "cast", expr: e, type, pos: t.pos };
          },
        },
        {
          ALT: () => {
            const t = $.c(20, LBracket);
            const lower = $.opt(20, () => $.s(22, $.aExpr, 0));
            const colon = $.opt(21, () => {
              $.c(20, Colon);
              return { upper: $.opt(22, () => $.s(23, $.aExpr, 0)) };
            });
            const close = $.c(20, RBracket);
            $.act(() => {
              if (colon) {
                const sub: A.SubscriptExpr = { kind: "subscript", expr: e, slice: true, pos: t.pos };
                if (lower) sub.lower = lower;
                if (colon.upper) sub.upper = colon.upper;
                e = sub;
              } else {
                if (!lower) $.fail(close);
                e = { kind: "subscript", expr: e, index: lower, slice: false, pos: t.pos };
              }
            });
          },
        },
        {
          // COLLATE is accepted and ignored (text compares by code point)
          ALT: () => {
            $.c(20, K.COLLATE);
            $.s(24, $.qualifiedName);
          },
        },
        {
          // (expr).field
          ALT: () => {
            const t = $.c(20, Dot);
            const field = $.s(25, $.colLabel);
            e = { kind: "field_select", expr: e, field, pos: t.pos };
          },
        },
      ]);
    });
    return e;
  });

  // a column reference, t.*, a function call, a typed literal (`DATE '2024-01-01'`), or one of
  // the special forms whose keyword is also a name (INTERVAL '1' DAY, EXTRACT(...), ROW(...), ...)
  $.nameExpr = $.rule("nameExpr", (): A.Expr => {
    const first = $.c(0, Ident);
    const parts: string[] = [first.value];
    let star = false;
    $.rep(
      0,
      () => {
        $.c(0, Dot);
        $.alt(0, [
          { ALT: () => { parts.push($.s(0, $.colLabel)); } },
          { ALT: () => { $.c(0, Star); star = true; } },
        ]);
      },
      () => !star,
    );
    const single = (): boolean => !star && parts.length === 1;
    const tzLiteralAhead = (): boolean =>
      single() && (parts[0] === "timestamp" || parts[0] === "time") &&
      $.la(2).tokenType === K.TIME && $.la(3).tokenType === K.ZONE && $.la(4).tokenType === StringLiteral;
    const out = $.opt(
      0,
      () =>
        $.alt(
          1,
          [
            { GATE: () => single() && first.tokenType === K.INTERVAL, ALT: () => $.s(1, $.intervalTail, first) },
            { GATE: () => single() && SPECIAL_FORM_KEYWORDS.has(first.tokenType), ALT: () => $.s(2, $.specialTail, first) },
            { GATE: () => !star, ALT: () => $.s(3, $.funcTail, { parts, pos: first.pos }) as A.Expr },
            {
              GATE: single,
              ALT: () => {
                const s = $.c(0, StringLiteral);
                return $.act((): A.Expr => ({
                  kind: "typed_literal",
                  type: canonicalType(parts, undefined, [], undefined, 0, first.pos),
                  value: s.value,
                  pos: first.pos,
                }));
              },
            },
            {
              GATE: tzLiteralAhead,
              ALT: () => {
                const w = $.alt(2, [{ ALT: () => $.c(0, K.WITH) }, { ALT: () => $.c(0, K.WITHOUT) }]);
                $.c(0, K.TIME);
                $.c(0, K.ZONE);
                const s = $.c(1, StringLiteral);
                return $.act((): A.Expr => ({
                  kind: "typed_literal",
                  type: canonicalType(parts, undefined, [], w.value, 0, first.pos),
                  value: s.value,
                  pos: first.pos,
                }));
              },
            },
          ],
          true,
        ),
      () => {
        const t = $.la(1).tokenType;
        if (t === LParen) return !star;
        if (t === StringLiteral) return single();
        if (t === K.WITH || t === K.WITHOUT) return tzLiteralAhead();
        return false;
      },
    );
    if (out !== undefined) return out;
    return star ? { kind: "star", table: parts, pos: first.pos } : { kind: "column_ref", parts, pos: first.pos };
  });

  $.caseExpr = $.rule("caseExpr", (): A.Expr => {
    const t = $.c(0, K.CASE);
    const operand = $.opt(0, () => $.s(0, $.expr));
    const whens: { when: A.Expr; then: A.Expr }[] = [];
    $.rep1(0, () => {
      $.c(0, K.WHEN);
      const when = $.s(1, $.expr);
      $.c(0, K.THEN);
      const then = $.s(2, $.expr);
      whens.push({ when, then });
    });
    const elseExpr = $.opt(1, () => {
      $.c(0, K.ELSE);
      return $.s(3, $.expr);
    });
    $.c(0, K.END);
    const e: A.CaseExpr = { kind: "case", whens, pos: t.pos };
    if (operand) e.operand = operand;
    if (elseExpr) e.else = elseExpr;
    return e;
  });

  $.arrayExpr = $.rule("arrayExpr", (): A.Expr => {
    const t = $.c(0, K.ARRAY);
    return $.alt(0, [
      {
        ALT: (): A.Expr => {
          $.c(0, LBracket);
          const elements = $.s(0, $.arrayElems);
          $.c(0, RBracket);
          return { kind: "array", elements, pos: t.pos };
        },
      },
      {
        ALT: (): A.Expr => {
          $.c(0, LParen);
          const query = $.s(1, $.query);
          $.c(0, RParen);
          return { kind: "subquery", query, array: true, pos: t.pos };
        },
      },
    ]);
  });

  $.arrayElems = $.rule("arrayElems", (): A.Expr[] => {
    const out: A.Expr[] = [];
    $.opt(0, () => {
      $.sep(0, () => {
        const e = $.alt(0, [
          {
            ALT: (): A.Expr => {
              const t = $.c(0, LBracket);
              const elements = $.s(0, $.arrayElems);
              $.c(0, RBracket);
              return { kind: "array", elements, pos: t.pos };
            },
          },
          { ALT: () => $.s(1, $.expr) },
        ]);
        out.push(e);
      });
    });
    return out;
  });

  // `(` query `)` or `(` [expr, ...] `)` — IN lists and ANY/ALL operands
  $.parenQueryOrList = $.rule("parenQueryOrList", () => {
    const t = $.c(0, LParen);
    const r = $.alt(
      0,
      [
        {
          GATE: () => {
            const next = $.la(1);
            return next.idx !== undefined && $.isQueryAt(next.idx);
          },
          ALT: () => ({ query: $.s(0, $.query), exprs: [] as A.Expr[], pos: t.pos }),
        },
        { ALT: () => ({ exprs: $.opt(0, () => $.s(1, $.exprList)) ?? [], pos: t.pos }) },
      ],
      true,
    );
    $.c(0, RParen);
    return r;
  });

  // OPERATOR(schema.op): returns the operator token (its schema is dropped)
  $.operatorName = $.rule("operatorName", (): SqlToken => {
    $.c(0, K.OPERATOR);
    $.c(0, LParen);
    $.rep(0, () => {
      $.c(0, Ident);
      $.c(0, Dot);
    });
    const op = $.c(0, BinaryOperator);
    $.c(0, RParen);
    return op;
  });

  $.sortList = $.rule("sortList", (): A.OrderByItem[] => $.sep(0, () => $.s(0, $.sortItem)));

  $.sortItem = $.rule("sortItem", (): A.OrderByItem => {
    const pos = $.act(() => $.la(1).pos);
    const expr = $.s(0, $.expr);
    const direction = $.opt(0, () =>
      $.alt(0, [
        { ALT: () => { $.c(0, K.ASC); return "asc" as const; } },
        { ALT: () => { $.c(0, K.DESC); return "desc" as const; } },
      ]),
    );
    const nulls = $.opt(1, () => {
      $.c(0, K.NULLS);
      return $.alt(1, [
        { ALT: () => { $.c(0, K.FIRST); return "first" as const; } },
        { ALT: () => { $.c(0, K.LAST); return "last" as const; } },
      ]);
    });
    const item: A.OrderByItem = { expr, direction: direction ?? "asc", pos };
    if (nulls) item.nulls = nulls;
    return item;
  });
}
