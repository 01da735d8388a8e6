// The statement dispatcher and the utility statements: COPY, SUBSCRIBE, FLUSH, SHOW, EXPLAIN,
// SET, RESET, transaction control, GRANT/REVOKE, CANCEL JOB.

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import type { SqlToken } from "../lexer.js";
import {
  Comma, DecimalLiteral, Dot, Eq, Ident, IntegerLiteral, K, LParen, Minus, Plus, RParen,
  ReservedKeyword, StringLiteral,
} from "../tokens.js";
import { SqlError, SqlState } from "../../types/index.js";

/** Postgres's EXPLAIN options other than ANALYZE, VERBOSE and FORMAT: accepted, with no effect here. */
const POSTGRES_EXPLAIN_OPTIONS = new Set(["costs", "settings", "generic_plan", "buffers", "wal", "timing", "summary", "memory", "serialize"]);

/** FORMAT's value, checked against Postgres's list (22023 otherwise, as Postgres says). */
function explainFormat(value: string | undefined, position: number): string {
  const f = (value ?? "text").toLowerCase();
  if (!["text", "json", "xml", "yaml"].includes(f)) {
    throw new SqlError(SqlState.InvalidParameterValue, `unrecognized value for EXPLAIN option "format": "${value ?? ""}"`, { position });
  }
  return f;
}

const TXN_MODES = [
  /^isolation level (serializable|repeatable read|read committed|read uncommitted)$/,
  /^read (write|only)$/,
  /^(not )?deferrable$/,
];

/** Validates BEGIN/START TRANSACTION modes (accepted and ignored: the engine is serializable). */
function checkTransactionModes($: SqlParser, words: SqlToken[]): void {
  let i = 0;
  while (i < words.length) {
    if (words[i].tokenType === Comma) {
      i++;
      continue;
    }
    let matched = 0;
    for (let len = 1; len <= 4 && i + len <= words.length; len++) {
      const text = words.slice(i, i + len).map((w) => w.value).join(" ");
      if (TXN_MODES.some((re) => re.test(text))) matched = len;
    }
    if (matched === 0) $.fail(words[i], "Expected ISOLATION LEVEL, READ WRITE, READ ONLY or DEFERRABLE.");
    i += matched;
  }
}

export function defineUtilityRules($: SqlParser): void {
  $.statement = $.rule("statement", (): A.Statement =>
    $.alt(0, [
      { ALT: (): A.Statement => ({ kind: "select", query: $.s(0, $.query) }) },
      { ALT: (): A.Statement => $.s(1, $.insertStatement) },
      { ALT: (): A.Statement => $.s(2, $.updateStatement) },
      { ALT: (): A.Statement => $.s(3, $.deleteStatement) },
      { ALT: (): A.Statement => $.s(4, $.createStatement) },
      { ALT: (): A.Statement => $.s(5, $.alterStatement) },
      { ALT: (): A.Statement => $.s(6, $.dropStatement) },
      { ALT: (): A.Statement => $.s(7, $.truncateStatement) },
      { ALT: (): A.Statement => $.s(8, $.copyStatement) },
      { ALT: (): A.Statement => $.s(9, $.subscribeStatement) },
      { ALT: (): A.Statement => { $.c(0, K.FLUSH); return { kind: "flush" }; } },
      { ALT: (): A.Statement => { $.c(0, K.CHECKPOINT); return { kind: "checkpoint" }; } },
      { ALT: (): A.Statement => $.s(10, $.showStatement) },
      { ALT: (): A.Statement => $.s(11, $.explainStatement) },
      { ALT: (): A.Statement => $.s(12, $.setStatement) },
      { ALT: (): A.Statement => $.s(13, $.resetStatement) },
      { ALT: (): A.Statement => $.s(14, $.transactionStatement) },
      { ALT: (): A.Statement => $.s(15, $.grantStatement) },
      { ALT: (): A.Statement => $.s(16, $.cancelStatement) },
      { ALT: (): A.Statement => $.s(17, $.alterDefaultPrivileges) },
    ]),
  );

  $.exprOnly = $.rule("exprOnly", (): A.Expr => $.s(0, $.expr));

  $.copyStatement = $.rule("copyStatement", (): A.CopyStatement => {
    $.c(0, K.COPY);
    const stmt = $.alt(0, [
      {
        ALT: (): A.CopyStatement => {
          $.c(0, LParen);
          const query = $.s(0, $.query);
          $.c(0, RParen);
          return { kind: "copy", query, direction: "to", target: { kind: "stdout" }, options: [] };
        },
      },
      {
        ALT: (): A.CopyStatement => {
          const table = $.s(1, $.qualifiedName);
          const columns = $.opt(0, () => $.s(2, $.parenIdentList));
          const s: A.CopyStatement = { kind: "copy", table, direction: "from", target: { kind: "stdin" }, options: [] };
          if (columns) s.columns = columns;
          return s;
        },
      },
    ]);
    const dirTok = $.alt(1, [{ ALT: () => $.c(0, K.FROM) }, { ALT: () => $.c(0, K.TO) }]);
    const target = $.alt(2, [
      { ALT: (): A.CopyStatement["target"] => { $.c(0, K.STDIN); return { kind: "stdin" }; } },
      { ALT: (): A.CopyStatement["target"] => { $.c(0, K.STDOUT); return { kind: "stdout" }; } },
      { ALT: (): A.CopyStatement["target"] => ({ kind: "file", path: $.c(0, StringLiteral).value }) },
    ]);
    $.act(() => {
      stmt.direction = dirTok.tokenType === K.FROM ? "from" : "to";
      if (stmt.query && stmt.direction === "from") $.fail(dirTok);
      if ((target.kind === "stdin" && stmt.direction === "to") || (target.kind === "stdout" && stmt.direction === "from")) {
        $.fail($.la(0));
      }
      stmt.target = target;
    });
    $.opt(1, () => $.c(0, K.WITH));
    $.opt(2, () => {
      $.c(1, LParen);
      const list = $.s(3, $.optionList);
      $.c(1, RParen);
      $.act(() => stmt.options.push(...list));
    });
    // old-style options: CSV, HEADER, BINARY, DELIMITER [AS] 'x', NULL [AS] 'x', QUOTE ..., ESCAPE ...
    $.rep(0, () => {
      const key = $.alt(3, [{ ALT: () => $.c(0, Ident) }, { ALT: () => $.c(0, ReservedKeyword) }]);
      const value = $.opt(3, () => {
        $.opt(4, () => $.c(0, K.AS));
        return $.c(1, StringLiteral);
      });
      $.act(() => {
        const k = key.value;
        if (value) stmt.options.push({ key: k, value: { kind: "string", value: value.value }, pos: key.pos });
        else if (k === "csv" || k === "binary" || k === "text") {
          stmt.options.push({ key: "format", value: { kind: "identifier", value: k }, pos: key.pos });
        } else stmt.options.push({ key: k, value: { kind: "boolean", value: true }, pos: key.pos });
      });
    });
    return stmt;
  });

  $.subscribeStatement = $.rule("subscribeStatement", (): A.SubscribeStatement => {
    $.c(0, K.SUBSCRIBE);
    $.opt(0, () => $.c(0, K.TO));
    const stmt = $.alt(0, [
      {
        ALT: (): A.SubscribeStatement => {
          $.c(0, LParen);
          const query = $.s(0, $.query);
          $.c(0, RParen);
          return { kind: "subscribe", query, with: [] };
        },
      },
      { ALT: (): A.SubscribeStatement => ({ kind: "subscribe", name: $.s(1, $.qualifiedName), with: [] }) },
    ]);
    $.opt(1, () => {
      const w = $.s(2, $.withOptions);
      $.act(() => (stmt.with = w));
    });
    return stmt;
  });

  $.showStatement = $.rule("showStatement", (): A.ShowStatement => {
    $.c(0, K.SHOW);
    return $.alt(
      0,
      [
        {
          ALT: (): A.ShowStatement => {
            $.c(0, K.CREATE);
            const kind = $.s(0, $.objectKind);
            const target = $.s(1, $.qualifiedName);
            return { kind: "show", what: `create ${kind}`, target };
          },
        },
        {
          ALT: (): A.ShowStatement => {
            let what = $.s(2, $.colLabel);
            $.rep(
              0,
              () => {
                $.alt(1, [
                  {
                    ALT: () => {
                      $.c(0, Dot);
                      const w = $.s(3, $.colLabel);
                      what = `${what}.${w}`;
                    },
                  },
                  {
                    ALT: () => {
                      const w = $.s(4, $.colLabel);
                      what = `${what} ${w}`;
                    },
                  },
                ]);
              },
              () => $.la(1).tokenType !== K.FROM && $.la(1).tokenType !== K.IN,
            );
            const target = $.opt(0, () => {
              $.alt(2, [{ ALT: () => $.c(0, K.FROM) }, { ALT: () => $.c(0, K.IN) }]);
              return $.s(5, $.qualifiedName);
            });
            return $.act((): A.ShowStatement => {
              const s: A.ShowStatement = { kind: "show", what: what.toLowerCase() };
              if (target) s.target = target;
              return s;
            });
          },
        },
      ],
      true,
    );
  });

  $.explainStatement = $.rule("explainStatement", (): A.ExplainStatement => {
    $.c(0, K.EXPLAIN);
    let analyze = false;
    let verbose = false;
    let format: string | undefined;
    let plan: "logical" | "physical" | undefined;
    let fragments = false;
    $.opt(
      0,
      () => {
        $.c(0, LParen);
        $.sep(0, () => {
          const keyToken = $.la(1);
          const key = $.s(0, $.colLabel);
          const value = $.opt(1, () =>
            $.alt(0, [
              { ALT: () => $.s(1, $.colLabel) },
              { ALT: () => $.c(0, StringLiteral).value },
              { ALT: () => $.c(0, IntegerLiteral).value },
            ]),
          );
          $.act(() => {
            const on = value === undefined || !/^(false|off|0)$/.test(value);
            if (key === "analyze" || key === "analyse") analyze = on;
            else if (key === "verbose") verbose = on;
            else if (key === "format") format = explainFormat(value, keyToken.pos);
            else if (key === "logical" || key === "physical") plan = on === (key === "logical") ? "logical" : "physical";
            else if (key === "fragments") fragments = on;
            else if (!POSTGRES_EXPLAIN_OPTIONS.has(key)) {
              throw new SqlError(SqlState.SyntaxError, `unrecognized EXPLAIN option "${key}"`, { position: keyToken.pos });
            }
          });
        });
        $.c(0, RParen);
      },
      () => {
        const t2 = $.la(2);
        return t2.tokenType !== K.SELECT && t2.tokenType !== K.VALUES && t2.tokenType !== K.WITH &&
          t2.tokenType !== K.TABLE && t2.tokenType !== LParen;
      },
    );
    $.opt(2, () => {
      $.alt(1, [{ ALT: () => $.c(0, K.ANALYZE) }, { ALT: () => $.c(0, K.ANALYSE) }]);
      analyze = true;
    });
    $.opt(3, () => {
      $.c(0, K.VERBOSE);
      verbose = true;
    });
    const statement = $.s(2, $.statement);
    const e: A.ExplainStatement = { kind: "explain", analyze, verbose, statement };
    $.act(() => {
      if (format) e.format = format;
      if (plan) e.plan = plan;
      if (fragments) e.fragments = true;
    });
    return e;
  });

  $.setValue = $.rule("setValue", (): string =>
    $.alt(
      0,
      [
        { ALT: () => $.c(0, StringLiteral).value },
        {
          ALT: () => {
            const sign = $.opt(0, () => $.alt(1, [{ ALT: () => $.c(0, Minus) }, { ALT: () => $.c(0, Plus) }]));
            const n = $.alt(2, [{ ALT: () => $.c(0, IntegerLiteral) }, { ALT: () => $.c(0, DecimalLiteral) }]);
            return $.act(() => (sign?.tokenType === Minus ? "-" : "") + n.value);
          },
        },
        { ALT: () => $.s(0, $.colLabel) },
      ],
      true,
    ),
  );

  $.setStatement = $.rule("setStatement", (): A.SetStatement => {
    $.c(0, K.SET);
    const local = $.opt(
      0,
      () =>
        $.alt(0, [
          { ALT: () => { $.c(0, K.LOCAL); return true; } },
          { ALT: () => { $.c(0, K.SESSION); return false; } },
        ]),
      () => {
        const t2 = $.la(2).tokenType;
        return t2 !== K.AUTHORIZATION && t2 !== K.CHARACTERISTICS && t2 !== Eq && t2 !== K.TO;
      },
    ) ?? false;
    const r = $.alt(
      1,
      [
        {
          ALT: () => {
            $.c(0, K.TIME);
            $.c(0, K.ZONE);
            const values = $.alt(2, [
              { ALT: () => { $.c(1, K.LOCAL); return null; } },
              { ALT: () => { $.c(0, K.DEFAULT); return null; } },
              {
                ALT: () => {
                  const kw = $.c(0, K.INTERVAL);
                  const iv = $.s(0, $.intervalTail, kw) as A.IntervalLiteralExpr;
                  return $.act(() => [iv.value]);
                },
              },
              { ALT: () => [$.s(1, $.setValue)] },
            ], true);
            return { name: "timezone", values };
          },
        },
        {
          ALT: () => {
            $.c(0, K.ROLE);
            return { name: "role", values: [$.s(2, $.setValue)] };
          },
        },
        {
          ALT: () => {
            $.c(1, K.SESSION);
            $.c(0, K.AUTHORIZATION);
            const v = $.alt(3, [
              { ALT: () => { $.c(1, K.DEFAULT); return null; } },
              { ALT: () => [$.s(3, $.setValue)] },
            ], true);
            return { name: "session_authorization", values: v };
          },
        },
        {
          ALT: () => {
            $.c(0, K.NAMES);
            return { name: "client_encoding", values: [$.s(4, $.setValue)] };
          },
        },
        {
          // SET [SESSION CHARACTERISTICS AS] TRANSACTION <modes>: kept as one value
          ALT: () => {
            $.opt(1, () => {
              $.c(2, K.SESSION);
              $.c(0, K.CHARACTERISTICS);
              $.c(0, K.AS);
            });
            $.c(0, K.TRANSACTION);
            const words: SqlToken[] = [];
            $.rep1(0, () => {
              const t = $.alt(4, [
                { ALT: () => $.c(0, Ident) },
                { ALT: () => $.c(0, ReservedKeyword) },
                { ALT: () => $.c(0, Comma) },
              ]);
              words.push(t);
            });
            $.act(() => checkTransactionModes($, words));
            return { name: "transaction", values: $.act(() => [words.map((w) => w.value).join(" ")]) };
          },
        },
        {
          ALT: () => {
            let name = $.s(5, $.ident);
            $.rep(0, () => {
              $.c(0, Dot);
              const part = $.s(6, $.colLabel);
              name = `${name}.${part}`;
            });
            $.alt(5, [{ ALT: () => $.c(0, K.TO) }, { ALT: () => $.c(0, Eq) }]);
            const values = $.alt(6, [
              { ALT: () => { $.c(2, K.DEFAULT); return null; } },
              { ALT: () => $.sep(0, () => $.s(7, $.setValue)) },
            ], true);
            return { name, values };
          },
        },
      ],
      true,
    );
    return { kind: "set", name: r.name, values: r.values, local };
  });

  $.resetStatement = $.rule("resetStatement", (): A.ResetStatement => {
    $.c(0, K.RESET);
    const name = $.alt(
      0,
      [
        { ALT: () => { $.c(0, K.ALL); return "all"; } },
        { ALT: () => { $.c(0, K.TIME); $.c(0, K.ZONE); return "timezone"; } },
        { ALT: () => { $.c(0, K.SESSION); $.c(0, K.AUTHORIZATION); return "session_authorization"; } },
        { ALT: () => { $.c(0, K.ROLE); return "role"; } },
        {
          ALT: () => {
            let n = $.s(0, $.ident);
            $.rep(0, () => {
              $.c(0, Dot);
              const part = $.s(1, $.colLabel);
              n = `${n}.${part}`;
            });
            return n;
          },
        },
      ],
      true,
    );
    return { kind: "reset", name };
  });

  $.transactionStatement = $.rule("transactionStatement", (): A.TransactionStatement => {
    const workOrTxn = (idx: number): void => {
      $.opt(idx, () => $.alt(idx, [{ ALT: () => $.c(idx, K.WORK) }, { ALT: () => $.c(idx, K.TRANSACTION) }]));
    };
    const modes = (idx: number): void => {
      const words: SqlToken[] = [];
      $.rep(idx, () => {
        const t = $.alt(10 + idx, [
          { ALT: () => $.c(10 + idx, Ident) },
          { ALT: () => $.c(10 + idx, ReservedKeyword) },
          { ALT: () => $.c(10 + idx, Comma) },
        ]);
        words.push(t);
      });
      $.act(() => checkTransactionModes($, words));
    };
    const chain = (idx: number): void => {
      $.opt(20 + idx, () => {
        $.c(idx, K.AND);
        $.opt(30 + idx, () => $.c(idx, K.NO));
        $.c(idx, K.CHAIN);
      });
    };
    return $.alt(0, [
      {
        ALT: (): A.TransactionStatement => {
          $.c(0, K.BEGIN);
          workOrTxn(1);
          modes(1);
          return { kind: "transaction", action: "begin" };
        },
      },
      {
        ALT: (): A.TransactionStatement => {
          $.c(0, K.START);
          $.c(0, K.TRANSACTION);
          modes(2);
          return { kind: "transaction", action: "begin" };
        },
      },
      {
        ALT: (): A.TransactionStatement => {
          $.alt(3, [{ ALT: () => $.c(0, K.COMMIT) }, { ALT: () => $.c(0, K.END) }]);
          workOrTxn(4);
          chain(4);
          return { kind: "transaction", action: "commit" };
        },
      },
      {
        ALT: (): A.TransactionStatement => {
          $.alt(5, [{ ALT: () => $.c(0, K.ROLLBACK) }, { ALT: () => $.c(0, K.ABORT) }]);
          workOrTxn(6);
          const to = $.opt(7, () => {
            $.c(0, K.TO);
            $.opt(8, () => $.c(0, K.SAVEPOINT));
            return $.s(0, $.ident);
          });
          chain(6);
          return to !== undefined
            ? { kind: "transaction", action: "rollback_to", savepoint: to }
            : { kind: "transaction", action: "rollback" };
        },
      },
      {
        ALT: (): A.TransactionStatement => {
          $.c(1, K.SAVEPOINT);
          return { kind: "transaction", action: "savepoint", savepoint: $.s(1, $.ident) };
        },
      },
      {
        ALT: (): A.TransactionStatement => {
          $.c(0, K.RELEASE);
          $.opt(9, () => $.c(2, K.SAVEPOINT));
          return { kind: "transaction", action: "release", savepoint: $.s(2, $.ident) };
        },
      },
    ]);
  });

  $.grantStatement = $.rule("grantStatement", (): A.GrantStatement => {
    const revoke = $.alt(0, [
      { ALT: () => { $.c(0, K.GRANT); return false; } },
      { ALT: () => { $.c(0, K.REVOKE); return true; } },
    ]);
    // REVOKE GRANT OPTION FOR ...
    $.opt(0, () => {
      $.c(1, K.GRANT);
      $.c(0, Ident);
      $.c(0, K.FOR);
    }, () => revoke && $.la(1).tokenType === K.GRANT);
    const privileges = $.sep(0, () => {
      const name = $.alt(1, [
        {
          ALT: () => {
            $.c(0, K.ALL);
            $.opt(1, () => $.c(0, K.PRIVILEGES));
            return "all";
          },
        },
        { ALT: () => $.s(0, $.colLabel) },
      ], true);
      const columns = $.opt(2, () => $.s(1, $.parenIdentList));
      return columns ? { name, columns } : { name };
    });
    const on = $.opt(3, () => {
      $.c(0, K.ON);
      return $.s(2, $.grantTarget);
    });
    $.alt(2, [{ ALT: () => $.c(0, K.TO) }, { ALT: () => $.c(0, K.FROM) }]);
    const grantees = $.sep(1, () => {
      $.opt(4, () => $.c(0, K.GROUP));
      return $.s(3, $.colLabel);
    });
    const withGrantOption = $.opt(5, () => {
      $.c(0, K.WITH);
      $.alt(3, [{ ALT: () => $.c(2, K.GRANT) }, { ALT: () => $.c(1, Ident) }]);
      $.c(2, Ident);
      return true;
    }) ?? false;
    // GRANTED BY role ("granted" is not a keyword)
    const grantedBy = $.opt(7, () => {
      $.c(3, Ident);
      $.c(0, K.BY);
      return $.s(4, $.colLabel);
    }, () => $.isIdent($.la(1)) && $.la(1).image.toLowerCase() === "granted");
    const cascade = $.opt(6, () =>
      $.alt(4, [
        { ALT: () => { $.c(0, K.CASCADE); return true; } },
        { ALT: () => { $.c(0, K.RESTRICT); return false; } },
      ]),
    );
    const g: A.GrantStatement = { kind: "grant", revoke, privileges, grantees, withGrantOption };
    $.act(() => {
      if (on) g.on = on;
      if (cascade !== undefined) g.cascade = cascade;
      if (grantedBy !== undefined) g.grantedBy = grantedBy;
    });
    return g;
  });

  $.grantTarget = $.rule("grantTarget", () =>
    $.alt(
      0,
      [
        {
          ALT: () => {
            $.c(0, K.ALL);
            const plural = $.c(0, Ident);
            $.c(0, K.IN);
            $.c(0, K.SCHEMA);
            const names = $.sep(0, () => $.s(0, $.qualifiedName));
            return $.act(() => ({ objectKind: plural.value.replace(/s$/, ""), names, allInSchema: true }));
          },
        },
        {
          ALT: () => {
            const kind = $.s(1, $.objectKind);
            const names = $.sep(1, () => $.s(2, $.qualifiedName));
            return { objectKind: kind, names };
          },
        },
        {
          ALT: () => {
            const names = $.sep(2, () => $.s(3, $.qualifiedName));
            return { objectKind: "table", names };
          },
        },
      ],
      true,
    ),
  );

  $.alterDefaultPrivileges = $.rule("alterDefaultPrivileges", (): A.AlterDefaultPrivilegesStatement => {
    $.c(0, K.ALTER);
    $.c(0, K.DEFAULT);
    $.c(0, K.PRIVILEGES);
    const roles = $.opt(0, () => {
      $.c(0, K.FOR);
      $.alt(0, [{ ALT: () => $.c(0, K.ROLE) }, { ALT: () => $.c(0, K.USER) }]);
      return $.sep(0, () => $.s(0, $.ident));
    }) ?? [];
    const schemas = $.opt(1, () => {
      $.c(0, K.IN);
      $.c(0, K.SCHEMA);
      return $.sep(1, () => $.s(1, $.ident));
    }) ?? [];
    const action = $.s(2, $.grantStatement);
    return { kind: "alter_default_privileges", roles, schemas, action };
  });

  $.cancelStatement = $.rule("cancelStatement", (): A.CancelJobStatement => {
    $.c(0, K.CANCEL);
    $.c(0, K.JOB);
    const n = $.c(0, IntegerLiteral);
    return { kind: "cancel_job", jobId: $.act(() => Number(n.value)) };
  });
}
