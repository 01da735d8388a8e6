// ALTER, DROP and TRUNCATE.

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import { Dot, Eq, K, LParen, RParen } from "../tokens.js";

export function defineAlterDropRules($: SqlParser): void {
  $.objectKind = $.rule("objectKind", (): string =>
    $.alt(0, [
      { ALT: () => { $.c(0, K.TABLE); return "table"; } },
      { ALT: () => { $.c(0, K.STREAM); return "stream"; } },
      { ALT: () => { $.c(0, K.MATERIALIZED); $.c(0, K.VIEW); return "materialized view"; } },
      { ALT: () => { $.c(1, K.VIEW); return "view"; } },
      { ALT: () => { $.c(0, K.SOURCE); return "source"; } },
      { ALT: () => { $.c(0, K.SINK); return "sink"; } },
      { ALT: () => { $.c(0, K.INDEX); return "index"; } },
      { ALT: () => { $.c(0, K.MODEL); return "model"; } },
      { ALT: () => { $.c(0, K.SECRET); return "secret"; } },
      { ALT: () => { $.c(0, K.FUNCTION); return "function"; } },
      { ALT: () => { $.c(0, K.ROLE); return "role"; } },
      { ALT: () => { $.c(0, K.USER); return "user"; } },
      { ALT: () => { $.c(0, K.DATABASE); return "database"; } },
      { ALT: () => { $.c(0, K.SCHEMA); return "schema"; } },
    ]),
  );

  $.alterStatement = $.rule("alterStatement", (): A.AlterStatement => {
    $.c(0, K.ALTER);
    const objectKind = $.s(0, $.objectKind);
    const ifExists = $.opt(0, () => $.s(1, $.ifExists)) ?? false;
    const name = $.s(2, $.qualifiedName);
    $.opt(
      1,
      () => {
        // ALTER FUNCTION f(int, text): the signature is accepted and ignored
        $.c(0, LParen);
        $.opt(2, () => $.sep(0, () => $.s(3, $.functionParam)));
        $.c(0, RParen);
      },
      () => objectKind === "function",
    );
    const action = $.s(4, $.alterAction, objectKind);
    return { kind: "alter", objectKind, name, ifExists, action };
  });

  $.alterAction = $.rule("alterAction", (objectKind?: string): A.AlterAction => {
    const isRole = (): boolean => objectKind === "role" || objectKind === "user";
    return $.alt(
      0,
      [
        {
          ALT: (): A.AlterAction => {
            $.c(0, K.ADD);
            $.opt(0, () => $.c(0, K.COLUMN));
            const ifNotExists = $.opt(1, () => $.s(0, $.ifNotExists)) ?? false;
            const column = $.s(1, $.columnDef);
            return { kind: "add_column", column, ifNotExists };
          },
        },
        {
          ALT: (): A.AlterAction => {
            $.c(0, K.DROP);
            $.opt(2, () => $.c(1, K.COLUMN));
            const ifExists = $.opt(3, () => $.s(2, $.ifExists)) ?? false;
            const column = $.s(3, $.ident);
            const cascade = $.opt(4, () =>
              $.alt(1, [
                { ALT: () => { $.c(0, K.CASCADE); return true; } },
                { ALT: () => { $.c(0, K.RESTRICT); return false; } },
              ]),
            ) ?? false;
            return { kind: "drop_column", column, ifExists, cascade };
          },
        },
        {
          ALT: (): A.AlterAction => {
            $.c(0, K.RENAME);
            $.c(0, K.TO);
            return { kind: "rename", newName: $.s(4, $.ident) };
          },
        },
        {
          ALT: (): A.AlterAction => {
            $.c(1, K.RENAME);
            $.opt(5, () => $.c(2, K.COLUMN));
            const column = $.s(5, $.ident);
            $.c(1, K.TO);
            return { kind: "rename_column", column, newName: $.s(6, $.ident) };
          },
        },
        {
          ALT: (): A.AlterAction => {
            $.c(0, K.OWNER);
            $.c(2, K.TO);
            return { kind: "owner_to", owner: $.s(7, $.ident) };
          },
        },
        {
          ALT: (): A.AlterAction => {
            $.c(0, K.SET);
            $.c(1, LParen);
            const w = $.s(8, $.optionList);
            $.c(1, RParen);
            return { kind: "set_options", with: w };
          },
        },
        {
          GATE: isRole,
          ALT: (): A.AlterAction => {
            $.c(1, K.SET);
            let name = $.s(10, $.ident);
            $.rep(0, () => {
              $.c(0, Dot);
              const part = $.s(11, $.colLabel);
              name = `${name}.${part}`;
            });
            $.alt(2, [{ ALT: () => $.c(3, K.TO) }, { ALT: () => $.c(0, Eq) }]);
            const value = $.alt(3, [
              { ALT: () => { $.c(0, K.DEFAULT); return null; } },
              {
                ALT: () => {
                  const values = $.sep(1, () => $.s(12, $.setValue));
                  return $.act(() => values.join(", "));
                },
              },
            ], true);
            return { kind: "set_config", name, value };
          },
        },
        {
          GATE: isRole,
          ALT: (): A.AlterAction => {
            $.c(0, K.RESET);
            // RESET ALL clears every per-role setting; a dotted name is a custom one (ai.max_tokens_per_day)
            const name = $.alt(4, [
              { ALT: () => { $.c(0, K.ALL); return "all"; } },
              {
                ALT: () => {
                  let n = $.s(13, $.ident);
                  $.rep(1, () => {
                    $.c(1, Dot);
                    const part = $.s(14, $.colLabel);
                    n = `${n}.${part}`;
                  });
                  return n;
                },
              },
            ]);
            return { kind: "set_config", name, value: null };
          },
        },
        {
          GATE: isRole,
          ALT: (): A.AlterAction => {
            $.opt(6, () => $.c(0, K.WITH));
            const options: A.RoleOption[] = [];
            $.rep1(0, () => {
              const o = $.s(9, $.roleOption);
              options.push(o);
            });
            return { kind: "role_options", options };
          },
        },
        {
          // anything else is kept as raw text for the binder (the rest of the statement is
          // skipped without grammar, so this alternative must stay last and empty)
          ALT: (): A.AlterAction => $.act(() => ({ kind: "other", text: $.skipRest() })),
        },
      ],
      true,
    );
  });

  $.dropStatement = $.rule("dropStatement", (): A.DropStatement => {
    $.c(0, K.DROP);
    const objectKind = $.s(0, $.objectKind);
    $.opt(0, () => $.c(0, K.CONCURRENTLY), () => objectKind === "index");
    const ifExists = $.opt(1, () => $.s(1, $.ifExists)) ?? false;
    const items = $.sep(0, () => {
      const n = $.s(2, $.qualifiedName);
      const args = $.opt(
        2,
        () => {
          $.c(0, LParen);
          const ps = $.opt(3, () => $.sep(1, () => $.s(3, $.functionParam))) ?? [];
          $.c(0, RParen);
          return ps;
        },
        () => objectKind === "function",
      );
      return { n, args };
    });
    const names = items.map((i) => i.n);
    const cascade = $.opt(4, () =>
      $.alt(0, [
        { ALT: () => { $.c(0, K.CASCADE); return true; } },
        { ALT: () => { $.c(0, K.RESTRICT); return false; } },
      ]),
    ) ?? false;
    const stmt: A.DropStatement = { kind: "drop", objectKind, names, ifExists, cascade };
    // DROP FUNCTION f(int, text): the argument types pick the overload
    $.act(() => {
      if (items.some((i) => i.args !== undefined)) stmt.functionArgs = items.map((i) => i.args?.map((p) => p.type));
    });
    return stmt;
  });

  $.truncateStatement = $.rule("truncateStatement", (): A.TruncateStatement => {
    $.c(0, K.TRUNCATE);
    $.opt(0, () => $.c(0, K.TABLE));
    const tables = $.sep(0, () => {
      $.opt(1, () => $.c(0, K.ONLY));
      return $.s(0, $.qualifiedName);
    });
    $.opt(2, () => $.alt(0, [{ ALT: () => $.c(0, K.CASCADE) }, { ALT: () => $.c(0, K.RESTRICT) }]));
    return { kind: "truncate", tables };
  });
}
