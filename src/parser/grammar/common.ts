// Rules shared by every statement: names, type names, WITH (...) options, FORMAT clauses,
// IF [NOT] EXISTS, aliases; and small AST builders.

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import type { SqlToken } from "../lexer.js";
import {
  DecimalLiteral, Dot, Eq, Ident, IntegerLiteral, K, LBracket, LParen, Minus, Plus, RBracket,
  RParen, ReservedKeyword, StringLiteral,
} from "../tokens.js";

/** The parenthesised part of a function call. */
export interface FuncArgs {
  args: A.Expr[];
  star?: boolean;
  distinct?: boolean;
  orderBy?: A.OrderByItem[];
}

export type RoleOptionOrFlag = A.RoleOption;

/** ORDER BY / LIMIT / OFFSET / FETCH / FOR UPDATE of a query. */
export interface SelectTail {
  orderBy: A.OrderByItem[];
  limit?: A.Expr;
  offset?: A.Expr;
  withTies?: boolean;
  locking?: string;
}

/** Canonical lower-case type name from the words written. */
export function canonicalType(
  parts: string[],
  second: string | undefined,
  modifiers: number[],
  tz: string | undefined,
  arrayDims: number,
  pos: number | undefined,
): A.TypeName {
  let name = parts.length > 1 && parts[0] === "pg_catalog" ? parts.slice(1).join(".") : parts.join(".");
  if (second) {
    if (second === "varying" && (name === "char" || name === "character")) name = "character varying";
    else name = `${name} ${second}`;
  }
  if (tz) {
    const withTz = tz === "with";
    if (name === "timestamp") name = withTz ? "timestamptz" : "timestamp";
    else if (name === "time") name = withTz ? "timetz" : "time";
    else name = `${name} ${tz} time zone`;
  }
  return { name, modifiers, arrayDims, pos };
}

export function stringOf(tok: SqlToken): A.LiteralExpr {
  return { kind: "literal", value: { type: "string", value: tok.value }, pos: tok.pos };
}

export function fnCall(name: string, args: A.Expr[], pos: number | undefined): A.FunctionCallExpr {
  return { kind: "function", name: { parts: [name], pos }, args, pos };
}

export function defineCommonRules($: SqlParser): void {
  $.ident = $.rule("ident", (): string => $.c(0, Ident).value);

  $.colLabel = $.rule("colLabel", (): string =>
    $.alt(0, [{ ALT: () => $.c(0, Ident).value }, { ALT: () => $.c(0, ReservedKeyword).value }]),
  );

  $.qualifiedName = $.rule("qualifiedName", (): A.QualifiedName => {
    const first = $.c(0, Ident);
    const parts: string[] = [first.value];
    $.rep(0, () => {
      $.c(0, Dot);
      parts.push($.s(0, $.colLabel));
    });
    return { parts, pos: first.pos };
  });

  $.identList = $.rule("identList", (): string[] => $.sep(0, () => $.s(0, $.ident)));

  $.parenIdentList = $.rule("parenIdentList", (): string[] => {
    $.c(0, LParen);
    const list = $.s(0, $.identList);
    $.c(0, RParen);
    return list;
  });

  $.signedInt = $.rule("signedInt", (): string => {
    const sign = $.opt(0, () =>
      $.alt(0, [{ ALT: () => $.c(0, Minus).image }, { ALT: () => $.c(0, Plus).image }]),
    );
    const n = $.c(0, IntegerLiteral);
    return $.act(() => (sign === "-" ? "-" : "") + n.value);
  });

  $.typeName = $.rule("typeName", (): A.TypeName => {
    const first = $.c(0, Ident);
    const parts: string[] = [first.value];
    $.rep(0, () => {
      $.c(0, Dot);
      parts.push($.s(0, $.colLabel));
    });
    const second = $.opt(0, () =>
      $.alt(0, [{ ALT: () => $.c(0, K.PRECISION).value }, { ALT: () => $.c(0, K.VARYING).value }]),
    );
    const modifiers: number[] = [];
    $.opt(1, () => {
      $.c(0, LParen);
      $.sep(0, () => {
        const n = $.s(1, $.signedInt);
        $.act(() => modifiers.push(Number(n)));
      });
      $.c(0, RParen);
    });
    const tz = $.opt(
      2,
      () => {
        const w = $.alt(1, [{ ALT: () => $.c(0, K.WITH) }, { ALT: () => $.c(0, K.WITHOUT) }]);
        $.c(0, K.TIME);
        $.c(0, K.ZONE);
        return w.value;
      },
      () => $.la(2).tokenType === K.TIME,
    );
    let dims = 0;
    $.rep(1, () => {
      $.c(0, LBracket);
      $.opt(3, () => $.c(0, IntegerLiteral));
      $.c(0, RBracket);
      dims++;
    });
    return $.act(() => canonicalType(parts, second, modifiers, tz, dims, first.pos));
  });

  $.ifNotExists = $.rule("ifNotExists", (): boolean => {
    $.c(0, K.IF);
    $.c(0, K.NOT);
    $.c(0, K.EXISTS);
    return true;
  });

  $.ifExists = $.rule("ifExists", (): boolean => {
    $.c(0, K.IF);
    $.c(0, K.EXISTS);
    return true;
  });

  $.withOptions = $.rule("withOptions", (): A.WithOptions => {
    $.c(0, K.WITH);
    $.c(0, LParen);
    const list = $.s(0, $.optionList);
    $.c(0, RParen);
    return list;
  });

  $.optionList = $.rule("optionList", (): A.WithOptions => $.sep(0, () => $.s(0, $.optionItem)));

  $.optionItem = $.rule("optionItem", (): A.WithOptions[number] => {
    const pos = $.act(() => $.la(1).pos);
    let key = $.s(0, $.colLabel);
    $.rep(0, () => {
      $.c(0, Dot);
      const k = $.s(1, $.colLabel);
      key = `${key}.${k}`;
    });
    $.opt(0, () => $.c(0, Eq));
    const value = $.opt(1, () => $.s(0, $.optionValue));
    return { key, value: value ?? { kind: "boolean", value: true }, pos };
  });

  $.optionValue = $.rule("optionValue", (): A.OptionValue =>
    $.alt<A.OptionValue>(
      0,
      [
        { ALT: () => ({ kind: "string", value: $.c(0, StringLiteral).value }) },
        {
          ALT: () => {
            const neg = $.opt(0, () => $.c(0, Minus));
            const n = $.alt(1, [{ ALT: () => $.c(0, IntegerLiteral) }, { ALT: () => $.c(0, DecimalLiteral) }]);
            return { kind: "number", value: $.act(() => (neg ? "-" : "") + n.value) };
          },
        },
        {
          ALT: () => {
            $.c(0, K.TRUE);
            return { kind: "boolean", value: true };
          },
        },
        {
          ALT: () => {
            $.c(0, K.FALSE);
            return { kind: "boolean", value: false };
          },
        },
        {
          ALT: () => {
            $.c(0, K.SECRET);
            const name = $.s(0, $.qualifiedName);
            return { kind: "secret", name: $.act(() => name.parts.join(".")) };
          },
        },
        {
          ALT: () => {
            let v = $.s(1, $.colLabel);
            $.rep(0, () => {
              $.c(0, Dot);
              const k = $.s(2, $.colLabel);
              v = `${v}.${k}`;
            });
            return { kind: "identifier", value: v };
          },
        },
      ],
      true,
    ),
  );

  $.formatSpec = $.rule("formatSpec", (): A.FormatSpec => {
    $.c(0, K.FORMAT);
    const format = $.s(0, $.colLabel);
    const spec: A.FormatSpec = { format };
    $.opt(0, () => {
      $.c(0, K.ENCODE);
      const encode = $.s(1, $.colLabel);
      $.act(() => (spec.encode = encode));
      $.opt(1, () => {
        $.c(0, LParen);
        const options = $.s(0, $.optionList);
        $.c(0, RParen);
        $.act(() => (spec.options = options));
      });
    });
    return spec;
  });

  $.alias = $.rule("alias", (): A.Alias => {
    const name = $.alt(0, [
      {
        ALT: () => {
          $.c(0, K.AS);
          return $.s(0, $.colLabel);
        },
      },
      { ALT: () => $.s(1, $.ident) },
    ]);
    const columns = $.opt(0, () => $.s(0, $.parenIdentList));
    return columns ? { name, columns } : { name };
  });
}
