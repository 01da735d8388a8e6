// CREATE statements: TABLE, [MATERIALIZED] VIEW, STREAM, SOURCE, SINK, INDEX, MODEL, SECRET,
// FUNCTION, ROLE/USER, DATABASE, SCHEMA.

import type * as A from "../ast.js";
import type { SqlParser } from "../parser.js";
import type { SqlToken } from "../lexer.js";
import {
  Comma, DecimalLiteral, Eq, Ident, IntegerLiteral, K, LParen, RParen, StringLiteral,
} from "../tokens.js";

const ROLE_FLAGS = new Set([
  "login", "superuser", "createdb", "createrole", "inherit", "replication", "bypassrls",
]);
const FUNCTION_VALUE_OPTIONS = new Set(["parallel", "security", "cost", "rows", "support"]);

export function roleFlag(tok: SqlToken, $: SqlParser): A.RoleOption {
  const word = tok.value.toLowerCase();
  if (ROLE_FLAGS.has(word)) return { kind: "flag", name: word, value: true };
  if (word.startsWith("no") && ROLE_FLAGS.has(word.slice(2))) return { kind: "flag", name: word.slice(2), value: false };
  return $.fail(tok, "Expected a role option: LOGIN, NOLOGIN, SUPERUSER, CREATEDB, CREATEROLE, INHERIT, REPLICATION, BYPASSRLS, PASSWORD, ...");
}

export function defineDdlRules($: SqlParser): void {
  $.createStatement = $.rule("createStatement", (): A.Statement => {
    $.c(0, K.CREATE);
    const orReplace = $.opt(0, () => {
      $.c(0, K.OR);
      $.c(0, K.REPLACE);
      return true;
    }) ?? false;
    const temp = $.opt(1, () => $.alt(0, [{ ALT: () => $.c(0, K.TEMP) }, { ALT: () => $.c(0, K.TEMPORARY) }])) !== undefined;
    const unique = $.opt(2, () => $.c(0, K.UNIQUE)) !== undefined;
    const kindTok = $.act(() => $.la(1));
    const stmt = $.alt(1, [
      { ALT: (): A.Statement => $.s(0, $.createTable, temp) },
      { ALT: (): A.Statement => $.s(1, $.createView, orReplace, temp) },
      { ALT: (): A.Statement => $.s(2, $.createStreamOrSource) },
      { ALT: (): A.Statement => $.s(3, $.createSink) },
      { ALT: (): A.Statement => $.s(4, $.createIndex, unique) },
      { ALT: (): A.Statement => $.s(5, $.createModelOrSecret, orReplace) },
      { ALT: (): A.Statement => $.s(6, $.createFunction, orReplace) },
      { ALT: (): A.Statement => $.s(7, $.createRole) },
      { ALT: (): A.Statement => $.s(8, $.createDatabase) },
      { ALT: (): A.Statement => $.s(9, $.createSchema) },
    ]);
    $.act(() => {
      const k = stmt.kind;
      const replaceOk = k === "create_view" || k === "create_model" || k === "create_secret" || k === "create_function";
      if (orReplace && !replaceOk) $.fail(kindTok, "OR REPLACE applies to VIEW, MODEL, SECRET and FUNCTION.");
      if (temp && k !== "create_table" && k !== "create_view") $.fail(kindTok, "TEMPORARY applies to TABLE and VIEW.");
      if (unique && k !== "create_index") $.fail(kindTok, "UNIQUE here applies to INDEX only.");
    });
    return stmt;
  });

  $.createTable = $.rule("createTable", (temp?: boolean): A.CreateTableStatement => {
    $.c(0, K.TABLE);
    const ifNotExists = $.opt(0, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.s(1, $.qualifiedName);
    const stmt: A.CreateTableStatement = {
      kind: "create_table", name, ifNotExists, columns: [], constraints: [], with: [], watermarks: [],
    };
    if (temp) stmt.temporary = true;
    $.alt(0, [
      {
        ALT: () => {
          $.c(0, LParen);
          $.opt(1, () =>
            $.sep(0, () => {
              const el = $.s(2, $.tableElement);
              $.act(() => {
                if ("type" in el) stmt.columns.push(el);
                else if ("kind" in el) stmt.constraints.push(el);
                else stmt.watermarks.push(el);
              });
            }),
          );
          $.c(0, RParen);
          $.opt(2, () => {
            const w = $.s(3, $.withOptions);
            $.act(() => (stmt.with = w));
          });
          $.opt(3, () => {
            const f = $.s(4, $.formatSpec);
            $.act(() => (stmt.format = f));
          });
          $.opt(4, () => {
            $.c(0, K.FROM);
            const source = $.s(5, $.qualifiedName);
            $.c(1, K.TABLE);
            const table = $.c(0, StringLiteral);
            $.act(() => (stmt.fromSource = { source, table: table.value }));
          });
        },
      },
      {
        ALT: () => {
          $.opt(5, () => {
            const w = $.s(6, $.withOptions);
            $.act(() => (stmt.with = w));
          });
          $.c(0, K.AS);
          const q = $.s(7, $.query);
          $.act(() => (stmt.asQuery = q));
        },
      },
    ]);
    return stmt;
  });

  $.tableElement = $.rule("tableElement", () =>
    $.alt(
      0,
      [
        { ALT: (): A.ColumnDef | A.TableConstraint | A.WatermarkDef => $.s(0, $.watermark) },
        { ALT: (): A.ColumnDef | A.TableConstraint | A.WatermarkDef => $.s(1, $.tableConstraint) },
        { ALT: (): A.ColumnDef | A.TableConstraint | A.WatermarkDef => $.s(2, $.columnDef) },
      ],
      true,
    ),
  );

  $.watermark = $.rule("watermark", (): A.WatermarkDef => {
    const t = $.c(0, K.WATERMARK);
    $.c(0, K.FOR);
    const column = $.s(0, $.ident);
    $.c(0, K.AS);
    const expr = $.s(1, $.expr);
    return { column, expr, pos: t.pos };
  });

  $.columnDef = $.rule("columnDef", (): A.ColumnDef => {
    const nameTok = $.c(0, Ident);
    const type = $.s(0, $.typeName);
    const col: A.ColumnDef = { name: nameTok.value, type, pos: nameTok.pos };
    $.rep(0, () => {
      const c = $.s(1, $.columnConstraint);
      $.act(() => Object.assign(col, c));
    });
    return col;
  });

  $.columnConstraint = $.rule("columnConstraint", (): Partial<A.ColumnDef> => {
    $.opt(0, () => {
      $.c(0, K.CONSTRAINT);
      $.s(0, $.ident);
    });
    return $.alt(0, [
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.NOT);
          $.c(0, K.NULL);
          return { notNull: true };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(1, K.NULL);
          return { nullable: true };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.PRIMARY);
          $.c(0, K.KEY);
          return { primaryKey: true };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.UNIQUE);
          return { unique: true };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.DEFAULT);
          return { default: $.s(1, $.expr) };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.CHECK);
          $.c(0, LParen);
          const check = $.s(2, $.expr);
          $.c(0, RParen);
          return { check };
        },
      },
      { ALT: (): Partial<A.ColumnDef> => ({ references: $.s(3, $.referencesClause) }) },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.GENERATED);
          $.c(0, K.ALWAYS);
          $.c(0, K.AS);
          $.c(1, LParen);
          const generated = $.s(4, $.expr);
          $.c(1, RParen);
          $.c(0, K.STORED);
          return { generated };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(1, K.AS);
          return { generated: $.s(5, $.expr) };
        },
      },
      {
        ALT: (): Partial<A.ColumnDef> => {
          $.c(0, K.COLLATE);
          $.s(6, $.qualifiedName);
          return {};
        },
      },
    ]);
  });

  $.referencesClause = $.rule("referencesClause", () => {
    $.c(0, K.REFERENCES);
    const table = $.s(0, $.qualifiedName);
    const columns = $.opt(0, () => $.s(1, $.parenIdentList));
    // ON DELETE / ON UPDATE actions are accepted and ignored
    $.rep(0, () => {
      $.c(0, K.ON);
      $.alt(0, [{ ALT: () => $.c(0, K.DELETE) }, { ALT: () => $.c(0, K.UPDATE) }]);
      $.alt(1, [
        { ALT: () => $.c(0, K.CASCADE) },
        { ALT: () => $.c(0, K.RESTRICT) },
        { ALT: () => { $.c(0, K.NO); $.c(0, Ident); } },
        {
          ALT: () => {
            $.c(0, K.SET);
            $.alt(2, [{ ALT: () => $.c(0, K.NULL) }, { ALT: () => $.c(0, K.DEFAULT) }]);
          },
        },
      ]);
    });
    return columns ? { table, columns } : { table };
  });

  $.tableConstraint = $.rule("tableConstraint", (): A.TableConstraint => {
    const name = $.opt(0, () => {
      $.c(0, K.CONSTRAINT);
      return $.s(0, $.ident);
    });
    const c = $.alt(0, [
      {
        ALT: (): A.TableConstraint => {
          $.c(0, K.PRIMARY);
          $.c(0, K.KEY);
          return { kind: "primary_key", columns: $.s(1, $.parenIdentList) };
        },
      },
      {
        ALT: (): A.TableConstraint => {
          $.c(0, K.UNIQUE);
          return { kind: "unique", columns: $.s(2, $.parenIdentList) };
        },
      },
      {
        ALT: (): A.TableConstraint => {
          $.c(0, K.CHECK);
          $.c(0, LParen);
          const expr = $.s(3, $.expr);
          $.c(0, RParen);
          return { kind: "check", expr };
        },
      },
      {
        ALT: (): A.TableConstraint => {
          $.c(0, K.FOREIGN);
          $.c(1, K.KEY);
          const columns = $.s(4, $.parenIdentList);
          const ref = $.s(5, $.referencesClause);
          return $.act((): A.TableConstraint => {
            const fk: A.TableConstraint = { kind: "foreign_key", columns, table: ref.table };
            if (ref.columns) fk.refColumns = ref.columns;
            return fk;
          });
        },
      },
    ]);
    $.act(() => {
      if (name !== undefined) c.name = name;
    });
    return c;
  });

  $.createView = $.rule("createView", (orReplace?: boolean, temp?: boolean): A.CreateViewStatement => {
    const materialized = $.opt(0, () => $.c(0, K.MATERIALIZED)) !== undefined;
    $.c(0, K.VIEW);
    const ifNotExists = $.opt(1, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.s(1, $.qualifiedName);
    const columns = $.opt(2, () => $.s(2, $.parenIdentList));
    const w = $.opt(3, () => $.s(3, $.withOptions));
    $.c(0, K.AS);
    const query = $.s(4, $.query);
    const emit = $.opt(4, () => {
      $.c(0, K.EMIT);
      $.c(0, K.ON);
      $.c(0, K.WINDOW);
      $.c(0, K.CLOSE);
      return true;
    });
    return $.act((): A.CreateViewStatement => {
      const core = query.body.kind === "select" ? query.body : undefined;
      if (emit && core) core.emitOnWindowClose = true;
      const stmt: A.CreateViewStatement = {
        kind: "create_view", name, materialized, orReplace: orReplace ?? false, ifNotExists, query,
        with: w ?? [], emitOnWindowClose: emit === true || core?.emitOnWindowClose === true,
      };
      if (columns) stmt.columns = columns;
      if (temp) stmt.temporary = true;
      return stmt;
    });
  });

  $.createStreamOrSource = $.rule("createStreamOrSource", (): A.CreateStreamStatement | A.CreateSourceStatement => {
    const t = $.alt(0, [{ ALT: () => $.c(0, K.STREAM) }, { ALT: () => $.c(0, K.SOURCE) }]);
    const ifNotExists = $.opt(0, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.s(1, $.qualifiedName);
    const columns: A.ColumnDef[] = [];
    const watermarks: A.WatermarkDef[] = [];
    $.opt(1, () => {
      $.c(0, LParen);
      $.opt(2, () =>
        $.sep(0, () =>
          $.alt(
            1,
            [
              { ALT: () => { const w = $.s(2, $.watermark); watermarks.push(w); } },
              { ALT: () => { const c = $.s(3, $.columnDef); columns.push(c); } },
            ],
            true,
          ),
        ),
      );
      $.c(0, RParen);
    });
    const w = $.opt(3, () => $.s(4, $.withOptions));
    const format = $.opt(4, () => $.s(5, $.formatSpec));
    return $.act(() => {
      const kind = t.tokenType === K.STREAM ? ("create_stream" as const) : ("create_source" as const);
      const stmt: A.CreateStreamStatement | A.CreateSourceStatement = {
        kind, name, ifNotExists, columns, watermarks, with: w ?? [],
      };
      if (format) stmt.format = format;
      return stmt;
    });
  });

  $.createSink = $.rule("createSink", (): A.CreateSinkStatement => {
    $.c(0, K.SINK);
    const ifNotExists = $.opt(0, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.s(1, $.qualifiedName);
    const stmt: A.CreateSinkStatement = { kind: "create_sink", name, ifNotExists, with: [] };
    $.alt(0, [
      {
        ALT: () => {
          $.c(0, K.FROM);
          const from = $.s(2, $.qualifiedName);
          $.act(() => (stmt.from = from));
        },
      },
      {
        ALT: () => {
          $.c(0, K.AS);
          const q = $.s(3, $.query);
          $.act(() => (stmt.query = q));
        },
      },
    ]);
    $.opt(1, () => {
      const w = $.s(4, $.withOptions);
      $.act(() => (stmt.with = w));
    });
    $.opt(2, () => {
      const f = $.s(5, $.formatSpec);
      $.act(() => (stmt.format = f));
    });
    return stmt;
  });

  $.createIndex = $.rule("createIndex", (unique?: boolean): A.CreateIndexStatement => {
    $.c(0, K.INDEX);
    $.opt(0, () => $.c(0, K.CONCURRENTLY));
    const ifNotExists = $.opt(1, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.opt(2, () => $.s(1, $.ident));
    $.c(0, K.ON);
    $.opt(3, () => $.c(0, K.ONLY));
    const table = $.s(2, $.qualifiedName);
    const method = $.opt(4, () => {
      $.c(0, K.USING);
      return $.s(3, $.ident);
    });
    $.c(0, LParen);
    const items = $.sep(0, () => $.s(4, $.indexItem));
    $.c(0, RParen);
    $.opt(5, () => {
      $.c(0, K.INCLUDE);
      $.s(5, $.parenIdentList);
    });
    const w = $.opt(6, () => $.s(6, $.withOptions));
    const where = $.opt(7, () => {
      $.c(0, K.WHERE);
      return $.s(7, $.expr);
    });
    return $.act((): A.CreateIndexStatement => {
      const stmt: A.CreateIndexStatement = {
        kind: "create_index", table, ifNotExists, unique: unique ?? false, items, with: w ?? [],
      };
      if (name !== undefined) stmt.name = name;
      if (method !== undefined) stmt.method = method;
      if (where) stmt.where = where;
      return stmt;
    });
  });

  $.indexItem = $.rule("indexItem", () => {
    const expr = $.s(0, $.expr);
    const item: A.CreateIndexStatement["items"][number] = { expr };
    $.opt(0, () => {
      $.c(0, K.COLLATE);
      $.s(1, $.qualifiedName);
    });
    $.opt(
      1,
      () => {
        const opclass = $.s(2, $.ident);
        $.act(() => (item.opclass = opclass));
      },
      () => $.la(1).tokenType !== K.NULLS,
    );
    $.opt(2, () =>
      $.alt(0, [
        { ALT: () => { $.c(0, K.ASC); $.act(() => (item.direction = "asc")); } },
        { ALT: () => { $.c(0, K.DESC); $.act(() => (item.direction = "desc")); } },
      ]),
    );
    $.opt(3, () => {
      $.c(0, K.NULLS);
      $.alt(1, [
        { ALT: () => { $.c(0, K.FIRST); $.act(() => (item.nulls = "first")); } },
        { ALT: () => { $.c(0, K.LAST); $.act(() => (item.nulls = "last")); } },
      ]);
    });
    return item;
  });

  $.createModelOrSecret = $.rule("createModelOrSecret", (orReplace?: boolean) => {
    const t = $.alt(0, [{ ALT: () => $.c(0, K.MODEL) }, { ALT: () => $.c(0, K.SECRET) }]);
    const ifNotExists = $.opt(0, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.s(1, $.qualifiedName);
    const w = $.opt(1, () => $.s(2, $.withOptions));
    // CREATE SECRET s WITH (...) AS 'value' (RisingWave's form): the value becomes option `value`
    const value = $.opt(2, () => {
      const as = $.c(0, K.AS);
      const v = $.c(0, StringLiteral);
      return { v, as };
    });
    return $.act((): A.CreateModelStatement | A.CreateSecretStatement => {
      const options = w ?? [];
      if (value) options.push({ key: "value", value: { kind: "string", value: value.v.value }, pos: value.as.pos });
      const kind = t.tokenType === K.MODEL ? ("create_model" as const) : ("create_secret" as const);
      return { kind, name, orReplace: orReplace ?? false, ifNotExists, with: options };
    });
  });

  $.createFunction = $.rule("createFunction", (orReplace?: boolean): A.CreateFunctionStatement => {
    $.c(0, K.FUNCTION);
    const name = $.s(0, $.qualifiedName);
    $.c(0, LParen);
    const params = $.opt(0, () => $.sep(0, () => $.s(1, $.functionParam))) ?? [];
    $.c(0, RParen);
    const stmt: A.CreateFunctionStatement = {
      kind: "create_function", name, orReplace: orReplace ?? false, params, language: "sql", body: "", options: [],
    };
    $.opt(1, () => {
      $.c(0, K.RETURNS);
      $.alt(0, [
        {
          ALT: () => {
            $.c(0, K.TABLE);
            $.c(1, LParen);
            const cols = $.sep(1, () => {
              const n = $.s(2, $.ident);
              const type = $.s(3, $.typeName);
              return { name: n, type };
            });
            $.c(1, RParen);
            $.act(() => (stmt.returnsTable = cols));
          },
        },
        {
          ALT: () => {
            const type = $.s(4, $.typeName);
            $.act(() => (stmt.returns = type));
          },
        },
      ]);
    }, () => $.la(2).tokenType !== K.NULL);
    $.rep(0, () => {
      $.alt(
        1,
        [
          {
            ALT: () => {
              $.c(0, K.LANGUAGE);
              const lang = $.alt(2, [{ ALT: () => $.c(0, StringLiteral) }, { ALT: () => $.c(0, Ident) }]);
              $.act(() => (stmt.language = lang.value.toLowerCase()));
            },
          },
          {
            ALT: () => {
              $.c(0, K.AS);
              const body = $.c(1, StringLiteral);
              $.opt(2, () => {
                $.c(0, Comma);
                $.c(2, StringLiteral);
              });
              $.act(() => (stmt.body = body.value));
            },
          },
          {
            ALT: () => {
              const t = $.c(0, K.USING);
              $.c(1, Ident);
              const link = $.c(3, StringLiteral);
              $.act(() => stmt.options.push({ key: "link", value: { kind: "string", value: link.value }, pos: t.pos }));
            },
          },
          {
            ALT: () => {
              const w = $.s(5, $.withOptions);
              $.act(() => stmt.options.push(...w));
            },
          },
          {
            // RETURNS NULL ON NULL INPUT / CALLED ON NULL INPUT
            ALT: () => {
              const t = $.alt(3, [
                { ALT: () => { const r = $.c(1, K.RETURNS); $.c(0, K.NULL); return r; } },
                { ALT: () => $.c(2, Ident) },
              ]);
              $.c(0, K.ON);
              $.c(1, K.NULL);
              $.c(3, Ident);
              $.act(() => {
                const strict = t.tokenType === K.RETURNS;
                if (!strict && t.value !== "called") $.fail(t);
                stmt.options.push({ key: "strict", value: { kind: "boolean", value: strict }, pos: t.pos });
              });
            },
          },
          {
            // IMMUTABLE, STABLE, VOLATILE, STRICT, LEAKPROOF, PARALLEL SAFE, COST 10, ...
            ALT: () => {
              const word = $.c(4, Ident);
              const value = $.opt(
                3,
                () =>
                  $.alt(4, [
                    { ALT: (): A.OptionValue => ({ kind: "identifier", value: $.c(5, Ident).value }) },
                    { ALT: (): A.OptionValue => ({ kind: "number", value: $.c(0, IntegerLiteral).value }) },
                    { ALT: (): A.OptionValue => ({ kind: "number", value: $.c(0, DecimalLiteral).value }) },
                    { ALT: (): A.OptionValue => ({ kind: "string", value: $.c(4, StringLiteral).value }) },
                  ]),
                () => FUNCTION_VALUE_OPTIONS.has(word.value),
              );
              $.act(() =>
                stmt.options.push({ key: word.value, value: value ?? { kind: "boolean", value: true }, pos: word.pos }),
              );
            },
          },
        ],
        true,
      );
    });
    return stmt;
  });

  $.functionParam = $.rule("functionParam", () => {
    $.opt(0, () =>
      $.alt(0, [
        { ALT: () => $.c(0, K.IN) },
        { ALT: () => $.c(0, K.OUT) },
        { ALT: () => $.c(0, K.INOUT) },
        { ALT: () => $.c(0, K.VARIADIC) },
      ]),
      () => $.isIdent($.la(2)) || $.la(1).tokenType === K.IN || $.la(1).tokenType === K.VARIADIC,
    );
    const name = $.opt(
      1,
      () => $.s(0, $.ident),
      () => {
        const t2 = $.la(2);
        return $.isIdent(t2) && t2.tokenType !== K.PRECISION && t2.tokenType !== K.VARYING;
      },
    );
    const type = $.s(1, $.typeName);
    const dflt = $.opt(2, () => {
      $.alt(1, [{ ALT: () => $.c(0, K.DEFAULT) }, { ALT: () => $.c(0, Eq) }]);
      return $.s(2, $.expr);
    });
    const p: A.CreateFunctionStatement["params"][number] = { type };
    $.act(() => {
      if (name !== undefined) p.name = name;
      if (dflt) p.default = dflt;
    });
    return p;
  });

  $.createRole = $.rule("createRole", (): A.CreateRoleStatement => {
    const user = $.alt(0, [
      { ALT: () => { $.c(0, K.ROLE); return false; } },
      { ALT: () => { $.c(0, K.USER); return true; } },
    ]);
    const name = $.s(0, $.ident);
    $.opt(0, () => $.c(0, K.WITH));
    const options: A.RoleOption[] = [];
    $.rep(0, () => {
      const o = $.s(1, $.roleOption);
      options.push(o);
    });
    return { kind: "create_role", user, name, options };
  });

  $.roleOption = $.rule("roleOption", (): A.RoleOption =>
    $.alt(
      0,
      [
        {
          ALT: (): A.RoleOption => {
            $.c(0, K.PASSWORD);
            return $.alt(1, [
              { ALT: (): A.RoleOption => ({ kind: "password", value: $.c(0, StringLiteral).value }) },
              { ALT: (): A.RoleOption => { $.c(0, K.NULL); return { kind: "password", value: null }; } },
            ]);
          },
        },
        {
          ALT: (): A.RoleOption => {
            $.c(0, K.CONNECTION);
            $.c(0, K.LIMIT);
            const n = $.s(0, $.signedInt);
            return { kind: "connection_limit", value: $.act(() => Number(n)) };
          },
        },
        {
          ALT: (): A.RoleOption => {
            $.c(0, K.VALID);
            $.c(0, K.UNTIL);
            return { kind: "valid_until", value: $.c(1, StringLiteral).value };
          },
        },
        {
          ALT: (): A.RoleOption => {
            $.c(0, K.IN);
            $.c(0, K.ROLE);
            return { kind: "in_role", roles: $.s(1, $.identList) };
          },
        },
        {
          ALT: (): A.RoleOption => {
            const t = $.c(0, Ident);
            return $.act(() => roleFlag(t, $));
          },
        },
      ],
      true,
    ),
  );

  $.createDatabase = $.rule("createDatabase", (): A.CreateDatabaseStatement => {
    $.c(0, K.DATABASE);
    const ifNotExists = $.opt(0, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.s(1, $.ident);
    const options = $.alt(0, [
      { GATE: () => $.la(2).tokenType === LParen, ALT: () => $.s(2, $.withOptions) },
      {
        ALT: () => {
          $.opt(1, () => $.c(0, K.WITH));
          const list: A.WithOptions = [];
          $.rep(0, () => {
            const pos = $.act(() => $.la(1).pos);
            // CONNECTION LIMIT n: the one option spelled with two words
            const key = $.alt(1, [
              {
                GATE: () => $.la(1).tokenType === K.CONNECTION,
                ALT: () => {
                  $.c(1, K.CONNECTION);
                  $.c(1, K.LIMIT);
                  return "connection_limit";
                },
              },
              { ALT: () => $.s(3, $.colLabel) },
            ]);
            $.opt(2, () => $.c(0, Eq));
            const value = $.s(4, $.optionValue);
            list.push({ key, value, pos });
          });
          return list;
        },
      },
    ], true);
    return { kind: "create_database", name, ifNotExists, with: options };
  });

  $.createSchema = $.rule("createSchema", (): A.CreateSchemaStatement => {
    $.c(0, K.SCHEMA);
    const ifNotExists = $.opt(0, () => $.s(0, $.ifNotExists)) ?? false;
    const name = $.alt(0, [
      {
        ALT: () => {
          $.c(1, K.AUTHORIZATION);
          return $.s(3, $.ident);
        },
      },
      {
        ALT: () => {
          const n = $.s(1, $.ident);
          $.opt(1, () => {
            $.c(0, K.AUTHORIZATION);
            $.s(2, $.ident);
          });
          return n;
        },
      },
    ], true);
    return { kind: "create_schema", name, ifNotExists };
  });
}
