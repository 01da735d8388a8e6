// CREATE FUNCTION / DROP FUNCTION / SHOW FUNCTIONS and the runtime of user-defined functions:
// LANGUAGE sql functions go into the catalog with their parsed body (the binder inlines them);
// LANGUAGE javascript functions (superuser only, like Postgres's untrusted languages) run in the
// executor's worker pool, and the rows they fail on under WITH (on_error = 'null') are listed in
// sage_catalog.function_errors.

import type * as A from "./parser/index.js";
import { parse } from "./parser/index.js";
import { functionSignature, relationKindName, type FunctionEntry } from "./catalog/index.js";
import { JavaScriptFunctions, jsParamNames, type FunctionErrorRecord } from "./executor/index.js";
import { QueryContext, checkSqlFunctionBody, type SqlFunctionAst } from "./planner/index.js";
import type { Database } from "./database.js";
import type { Session } from "./session.js";
import { isSuperuser } from "./privileges.js";
import { commandResult, rowsResult } from "./session.js";
import { optionMap } from "./ddl.js";
import { SqlError, SqlState, Types, parseTypeName, toSqlError, typeName, type DataType, type StatementResult } from "./types/index.js";

const LANGUAGES: Record<string, FunctionEntry["language"]> = { sql: "sql", javascript: "javascript", js: "javascript" };

/** How many failed calls sage_catalog.function_errors keeps (the oldest go first). */
const ERROR_LOG_SIZE = 1000;

// a batch blocks the engine's thread while it runs, so the default limit is short (a chunk of 4096 rows of a
// simple function takes about a millisecond)
const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_MEMORY_MB = 64;

/** Option words CREATE FUNCTION accepts (the Postgres ones are accepted and mostly recorded). */
const KNOWN_OPTIONS = new Set(["strict", "immutable", "stable", "volatile", "leakproof", "parallel", "cost", "rows", "security", "on_error", "timeout_ms", "memory_limit_mb", "link"]);

interface FunctionErrorRow extends FunctionErrorRecord {
  at: number;
}

function typeOf(t: A.TypeName): DataType {
  return parseTypeName(t.name, t.modifiers, t.arrayDims);
}

function positiveInt(options: Record<string, string>, key: string, fallback: number, max: number): number {
  const text = options[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for option "${key}": "${text}"`, { hint: `Give a whole number from 1 to ${max}.` });
  return n;
}

export class UserFunctions {
  readonly js: JavaScriptFunctions;
  private readonly errors: FunctionErrorRow[] = [];
  private readonly errorCounts = new Map<string, number>();

  constructor(private readonly db: Database) {
    this.js = new JavaScriptFunctions(
      (id) => db.catalog.functionById(id),
      (e) => this.record(e),
    );
    db.registerSystemRelation(
      "sage_catalog",
      "function_errors",
      [
        { name: "function", type: Types.text },
        { name: "error", type: Types.text },
        { name: "input", type: Types.text },
        { name: "at", type: Types.timestamptz },
      ],
      () => this.errors.map((e) => [e.function, e.message, e.input, e.at * 1000]),
    );
  }

  private record(e: FunctionErrorRecord): void {
    this.errors.push({ ...e, at: Date.now() });
    if (this.errors.length > ERROR_LOG_SIZE) this.errors.shift();
    this.errorCounts.set(e.function, (this.errorCounts.get(e.function) ?? 0) + 1);
  }

  /** CREATE [OR REPLACE] FUNCTION */
  create(session: Session, st: A.CreateFunctionStatement): StatementResult {
    const cat = this.db.catalog;
    const { schema, name } = cat.schemaFor(st.name.parts);
    const language = LANGUAGES[st.language];
    if (!language) throw new SqlError(SqlState.UndefinedObject, `language "${st.language}" does not exist`, { position: st.pos, hint: "Use LANGUAGE sql or LANGUAGE javascript." });
    if (language === "javascript" && (session.options.superuser === false || !isSuperuser(cat, session.role))) {
      throw new SqlError(SqlState.InsufficientPrivilege, "permission denied for language javascript", { position: st.pos, hint: "Only superusers can create functions in an untrusted language." });
    }
    const seen = new Set<string>();
    const params = st.params.map((p) => {
      if (p.default !== undefined) throw new SqlError(SqlState.FeatureNotSupported, "parameter defaults are not supported yet", { position: st.pos });
      if (p.name !== undefined) {
        if (seen.has(p.name)) throw new SqlError(SqlState.InvalidFunctionDefinition, `parameter name "${p.name}" used more than once`, { position: st.pos });
        seen.add(p.name);
      }
      return { name: p.name, type: typeOf(p.type) };
    });
    if (st.returns?.name === "setof") throw new SqlError(SqlState.FeatureNotSupported, "RETURNS SETOF is not supported yet; declare RETURNS TABLE (column type, ...)", { position: st.returns.pos });
    if (!st.returns && !st.returnsTable) throw new SqlError(SqlState.InvalidFunctionDefinition, "function result type must be specified", { position: st.pos });
    const options = optionMap(st.options);
    for (const k of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(k)) throw new SqlError(SqlState.SyntaxError, `unrecognized function option "${k}"`, { position: st.pos });
    }
    const onError = options.on_error ?? "error";
    if (onError !== "error" && onError !== "null" && onError !== "fail") throw new SqlError(SqlState.InvalidParameterValue, `invalid value for option "on_error": "${onError}"`, { hint: "Use 'error' (or 'fail') or 'null'." });
    const entry: FunctionEntry = {
      id: cat.newId("fn"),
      schema,
      name,
      params,
      returns: st.returns ? typeOf(st.returns) : undefined,
      returnsTable: st.returnsTable?.map((c) => ({ name: c.name, type: typeOf(c.type) })),
      language,
      body: st.body,
      strict: options.strict === "true",
      volatile: options.immutable !== "true" && options.stable !== "true",
      onError: onError === "null" ? "null" : "error",
      timeoutMs: positiveInt(options, "timeout_ms", DEFAULT_TIMEOUT_MS, 600_000),
      memoryMb: positiveInt(options, "memory_limit_mb", DEFAULT_MEMORY_MB, 4096),
      owner: session.user,
      definition: st.text,
    };
    const sig = functionSignature(params.map((p) => p.type));
    const existing = cat.findFunctions(name).find((f) => functionSignature(f.params.map((p) => p.type)) === sig);
    if (existing) {
      const argText = params.map((p) => typeName(p.type)).join(", ");
      if (!st.orReplace) throw new SqlError(SqlState.DuplicateFunction, `function "${name}" already exists with same argument types`, { position: st.pos, detail: `${name}(${argText})` });
      const sameResult = JSON.stringify(existing.returns ?? null) === JSON.stringify(entry.returns ?? null) && JSON.stringify(existing.returnsTable ?? null) === JSON.stringify(entry.returnsTable ?? null);
      if (!sameResult) throw new SqlError(SqlState.InvalidFunctionDefinition, "cannot change return type of existing function", { position: st.pos, hint: `Use DROP FUNCTION ${name}(${argText}) first.` });
      entry.id = existing.id; // plans that call it by id see the new body
    }
    if (language === "javascript") {
      try {
        // compiles without running: a syntax error is reported at CREATE, not at the first call
        new Function(...jsParamNames(entry), st.body);
      } catch (e) {
        throw new SqlError(SqlState.InvalidFunctionDefinition, `javascript function "${name}" does not compile: ${e instanceof Error ? e.message : String(e)}`, { position: st.pos });
      }
    } else {
      entry.query = this.parseSqlBody(st);
      try {
        checkSqlFunctionBody(entry, new QueryContext(session.binderEnv(st.body)));
      } catch (e) {
        const err = toSqlError(e);
        // positions inside the body do not point into the CREATE statement: name the function instead
        throw new SqlError(err.code, `${err.message} (in the body of SQL function "${name}")`, { detail: err.detail, hint: err.hint });
      }
    }
    cat.putFunction(entry);
    return commandResult("CREATE FUNCTION");
  }

  private parseSqlBody(st: A.CreateFunctionStatement): SqlFunctionAst {
    let stmts: A.Statement[];
    try {
      stmts = parse(st.body);
    } catch (e) {
      const err = toSqlError(e);
      throw new SqlError(err.code, `${err.message} (in the body of function "${st.name.parts.join(".")}")`);
    }
    const last = stmts[stmts.length - 1];
    if (stmts.length !== 1 || !last || last.kind !== "select") {
      throw new SqlError(SqlState.FeatureNotSupported, "a LANGUAGE sql function body must be a single SELECT (or VALUES) query", { position: st.pos });
    }
    return { query: last.query, paramTypes: st.params.map((p) => p.type), returns: st.returns, table: st.returnsTable?.map((c) => c.type) };
  }

  /** DROP FUNCTION [IF EXISTS] f [(types)], ... */
  drop(st: A.DropStatement): StatementResult {
    const cat = this.db.catalog;
    const notices: string[] = [];
    const targets: FunctionEntry[] = [];
    st.names.forEach((n, i) => {
      const name = n.parts[n.parts.length - 1];
      const args = st.functionArgs?.[i];
      const overloads = cat.findFunctions(name);
      const argText = args ? `(${args.map((t) => typeName(typeOf(t))).join(", ")})` : "";
      let hit: FunctionEntry | undefined;
      if (args) {
        const sig = functionSignature(args.map(typeOf));
        hit = overloads.find((f) => functionSignature(f.params.map((p) => p.type)) === sig);
      } else {
        if (overloads.length > 1) {
          throw new SqlError(SqlState.AmbiguousFunction, `function name "${name}" is not unique`, { position: n.pos, hint: "Specify the argument list to select the function unambiguously." });
        }
        hit = overloads[0];
      }
      if (!hit) {
        if (st.ifExists) {
          notices.push(`function ${name}${argText} does not exist, skipping`);
          return;
        }
        throw new SqlError(SqlState.UndefinedFunction, args ? `function ${name}${argText} does not exist` : `could not find a function named "${name}"`, { position: n.pos });
      }
      targets.push(hit);
    });
    for (const f of targets) {
      const users = cat.dependents(f.id);
      if (users.length > 0) {
        const sig = `${f.name}(${f.params.map((p) => typeName(p.type)).join(", ")})`;
        throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop function ${sig} because other objects depend on it`, {
          detail: users.map((r) => `${relationKindName(r.kind)} ${r.name} depends on function ${sig}`).join("\n"),
          hint: "Drop the dependent objects first.",
        });
      }
    }
    for (const f of targets) cat.removeFunction(f.id);
    return { ...commandResult("DROP FUNCTION"), notices };
  }

  /** SHOW FUNCTIONS: the user-defined functions, one row per overload. */
  show(): StatementResult {
    const t = Types.text;
    return rowsResult(
      "SHOW",
      [{ name: "Name", type: t }, { name: "Arguments", type: t }, { name: "Result", type: t }, { name: "Language", type: t }, { name: "Errors", type: Types.bigint }],
      this.db.catalog.listFunctions().map((f) => [f.name, describeArguments(f), describeResult(f), f.language, BigInt(this.errorCounts.get(f.name) ?? 0)]),
    );
  }

  /** SHOW CREATE FUNCTION name: each overload's CREATE statement. */
  showCreate(name: string, position?: number): StatementResult {
    const overloads = this.db.catalog.findFunctions(name);
    if (overloads.length === 0) throw new SqlError(SqlState.UndefinedFunction, `function "${name}" does not exist`, { position });
    const t = Types.text;
    return rowsResult("SHOW", [{ name: "Name", type: t }, { name: "Create Sql", type: t }], overloads.map((f) => [`${f.name}(${describeArguments(f)})`, f.definition ?? ""]));
  }

  close(): void {
    this.js.close();
  }
}

/** `a integer, b text` as \df prints argument lists. */
export function describeArguments(f: FunctionEntry): string {
  return f.params.map((p) => (p.name ? `${p.name} ${typeName(p.type)}` : typeName(p.type))).join(", ");
}

export function describeResult(f: FunctionEntry): string {
  if (f.returnsTable) return `TABLE(${f.returnsTable.map((c) => `${c.name} ${typeName(c.type)}`).join(", ")})`;
  return typeName(f.returns!);
}
