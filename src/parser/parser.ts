// The Chevrotain parser: an EmbeddedActionsParser that builds the AST of ast.ts directly. The
// rules live in grammar/*.ts (one file per rule group); this file holds the class, its rule
// table, short public wrappers around Chevrotain's (protected) DSL so the grammar files can use
// it, the per-parse context and the lookahead helpers the grammar's gates need.
//
// One instance is built (grammar analysis takes ~0.4 s) and reused for every parse.
//
// Writing rules here, mind Chevrotain's ways:
// - every DSL call in a rule needs its own index per kind (c(0, X) and c(1, X) for two X's);
//   the validations run at construction and name any duplicate;
// - lookahead is LL(2) and only looks inside the current rule, so an optional clause at the end
//   of a rule whose first token may also follow the rule (WITH, FOR, FILTER...) needs a gate;
// - never write an empty OR alternative inside something other alternatives extend through:
//   Chevrotain's path analysis drops it (use OPTION around an OR instead);
// - semantic actions run in a "recording" pass with dummy values: anything that inspects a
//   result goes in act(), anything only building an object literal may stay outside.

import { EOF, EmbeddedActionsParser, type IOrAlt, type IToken, type ParserMethod, type TokenType } from "chevrotain";
import type * as A from "./ast.js";
import type { SqlToken } from "./lexer.js";
import { syntaxError } from "./errors.js";
import { K, LParen, RParen, allTokenTypes, Ident, Comma } from "./tokens.js";
import { defineCommonRules } from "./grammar/common.js";
import { defineExpressionRules } from "./grammar/expressions.js";
import { defineFunctionRules } from "./grammar/functions.js";
import { defineSpecialFormRules } from "./grammar/special-forms.js";
import { defineQueryRules } from "./grammar/queries.js";
import { defineDmlRules } from "./grammar/dml.js";
import { defineDdlRules } from "./grammar/ddl.js";
import { defineAlterDropRules } from "./grammar/alter-drop.js";
import { defineUtilityRules } from "./grammar/utility.js";
import type { FuncArgs, RoleOptionOrFlag, SelectTail } from "./grammar/common.js";

type Rule<ARGS extends unknown[], R> = ParserMethod<ARGS, R>;

/** What one parse needs to know besides the tokens. */
export interface ParseContext {
  text: string;
  /** all tokens of the text (statement tokens index into this by `idx`) */
  tokens: SqlToken[];
  /** index of the matching close paren/bracket of each open one (-1 otherwise) */
  match: Int32Array;
  /** memo for isQueryAt: 0 unknown, 1 true, 2 false */
  queryMemo: Uint8Array;
  /** the `;` ending the statement being parsed (errors at its end are reported there) */
  terminator?: SqlToken;
}

const QUERY_START = new Set<TokenType>([K.SELECT, K.VALUES, K.WITH, K.TABLE]);
const QUERY_FOLLOW = new Set<TokenType>([
  RParen, K.UNION, K.INTERSECT, K.EXCEPT, K.ORDER, K.LIMIT, K.OFFSET, K.FETCH, K.FOR,
]);
/** Non-reserved keywords that cannot be a bare (AS-less) alias because a clause starts with them. */
const NO_BARE_ALIAS = new Set<TokenType>([K.EMIT, K.FORMAT, K.ENCODE]);

let expectedOfLastError: TokenType[] = [];

export class SqlParser extends EmbeddedActionsParser {
  ctx: ParseContext = { text: "", tokens: [], match: new Int32Array(0), queryMemo: new Uint8Array(0) };
  /** the expected token types of the last error message built */
  get lastExpected(): TokenType[] {
    return expectedOfLastError;
  }

  // ── rules (assigned by the grammar files) ──
  // common
  ident!: Rule<[], string>;
  colLabel!: Rule<[], string>;
  qualifiedName!: Rule<[], A.QualifiedName>;
  identList!: Rule<[], string[]>;
  parenIdentList!: Rule<[], string[]>;
  typeName!: Rule<[], A.TypeName>;
  signedInt!: Rule<[], string>;
  withOptions!: Rule<[], A.WithOptions>;
  optionList!: Rule<[], A.WithOptions>;
  optionItem!: Rule<[], A.WithOptions[number]>;
  optionValue!: Rule<[], A.OptionValue>;
  formatSpec!: Rule<[], A.FormatSpec>;
  ifNotExists!: Rule<[], boolean>;
  ifExists!: Rule<[], boolean>;
  alias!: Rule<[], A.Alias>;
  // expressions
  expr!: Rule<[], A.Expr>;
  aExpr!: Rule<[number?], A.Expr>;
  infixTail!: Rule<[A.Expr?], A.Expr>;
  primary!: Rule<[], A.Expr>;
  nameExpr!: Rule<[], A.Expr>;
  parenQueryOrList!: Rule<[], { query?: A.Query; exprs: A.Expr[]; pos: number }>;
  exprList!: Rule<[], A.Expr[]>;
  funcArgs!: Rule<[], FuncArgs>;
  funcTail!: Rule<[A.QualifiedName?], A.FunctionCallExpr>;
  windowSpec!: Rule<[], A.WindowSpec>;
  frameBound!: Rule<[], A.FrameBound>;
  caseExpr!: Rule<[], A.Expr>;
  arrayExpr!: Rule<[], A.Expr>;
  arrayElems!: Rule<[], A.Expr[]>;
  specialTail!: Rule<[SqlToken?], A.Expr>;
  trimTail!: Rule<[SqlToken?], A.Expr>;
  substringTail!: Rule<[SqlToken?], A.Expr>;
  intervalTail!: Rule<[SqlToken?], A.Expr>;
  intervalQualifier!: Rule<[], string>;
  intervalField!: Rule<[], string>;
  niladic!: Rule<[], A.Expr>;
  sortList!: Rule<[], A.OrderByItem[]>;
  operatorName!: Rule<[], SqlToken>;
  sortItem!: Rule<[], A.OrderByItem>;
  // queries
  query!: Rule<[], A.Query>;
  withClause!: Rule<[], A.WithClause>;
  cte!: Rule<[], A.CommonTableExpr>;
  unionRest!: Rule<[A.QueryBody?], A.QueryBody>;
  intersectTerm!: Rule<[], A.QueryBody>;
  queryPrimary!: Rule<[], A.QueryBody>;
  selectTail!: Rule<[], SelectTail>;
  selectCore!: Rule<[], A.SelectCore>;
  selectList!: Rule<[], A.SelectItem[]>;
  selectItem!: Rule<[], A.SelectItem>;
  valuesBody!: Rule<[], A.ValuesBody>;
  valuesRow!: Rule<[], A.Expr[]>;
  fromList!: Rule<[], A.FromItem[]>;
  fromItem!: Rule<[], A.FromItem>;
  joinTail!: Rule<[A.FromItem?], A.FromItem>;
  tableRef!: Rule<[], A.FromItem>;
  namedFromItem!: Rule<[boolean?], A.FromItem>;
  groupItem!: Rule<[], A.GroupByItem>;
  groupingSetElem!: Rule<[], A.Expr[][]>;
  windowDef!: Rule<[], { name: string; spec: A.WindowSpec }>;
  // dml
  insertStatement!: Rule<[], A.InsertStatement>;
  updateStatement!: Rule<[], A.UpdateStatement>;
  deleteStatement!: Rule<[], A.DeleteStatement>;
  assignment!: Rule<[], { column: string; value: A.Expr | "default" }[]>;
  returning!: Rule<[], A.SelectItem[]>;
  // ddl
  createStatement!: Rule<[], A.Statement>;
  createTable!: Rule<[boolean?], A.CreateTableStatement>;
  tableElement!: Rule<[], A.ColumnDef | A.TableConstraint | A.WatermarkDef>;
  columnDef!: Rule<[], A.ColumnDef>;
  columnConstraint!: Rule<[A.ColumnDef?], void>;
  tableConstraint!: Rule<[], A.TableConstraint>;
  watermark!: Rule<[], A.WatermarkDef>;
  referencesClause!: Rule<[], { table: A.QualifiedName; columns?: string[] }>;
  createView!: Rule<[boolean?, boolean?], A.CreateViewStatement>;
  createStreamOrSource!: Rule<[], A.CreateStreamStatement | A.CreateSourceStatement>;
  createSink!: Rule<[], A.CreateSinkStatement>;
  createIndex!: Rule<[boolean?], A.CreateIndexStatement>;
  indexItem!: Rule<[], A.CreateIndexStatement["items"][number]>;
  createModelOrSecret!: Rule<[boolean?], A.CreateModelStatement | A.CreateSecretStatement>;
  createFunction!: Rule<[boolean?], A.CreateFunctionStatement>;
  functionParam!: Rule<[], A.CreateFunctionStatement["params"][number]>;
  createRole!: Rule<[], A.CreateRoleStatement>;
  roleOption!: Rule<[], RoleOptionOrFlag>;
  createDatabase!: Rule<[], A.CreateDatabaseStatement>;
  createSchema!: Rule<[], A.CreateSchemaStatement>;
  // alter / drop
  alterStatement!: Rule<[], A.AlterStatement>;
  alterAction!: Rule<[string?], A.AlterAction>;
  dropStatement!: Rule<[], A.DropStatement>;
  objectKind!: Rule<[], string>;
  truncateStatement!: Rule<[], A.TruncateStatement>;
  // utility
  statement!: Rule<[], A.Statement>;
  exprOnly!: Rule<[], A.Expr>;
  copyStatement!: Rule<[], A.CopyStatement>;
  subscribeStatement!: Rule<[], A.SubscribeStatement>;
  showStatement!: Rule<[], A.ShowStatement>;
  explainStatement!: Rule<[], A.ExplainStatement>;
  setStatement!: Rule<[], A.SetStatement>;
  setValue!: Rule<[], string>;
  resetStatement!: Rule<[], A.ResetStatement>;
  transactionStatement!: Rule<[], A.TransactionStatement>;
  grantStatement!: Rule<[], A.GrantStatement>;
  grantTarget!: Rule<[], NonNullable<A.GrantStatement["on"]>>;
  alterDefaultPrivileges!: Rule<[], A.AlterDefaultPrivilegesStatement>;
  cancelStatement!: Rule<[], A.CancelJobStatement>;

  constructor() {
    super(allTokenTypes, {
      recoveryEnabled: false,
      // LL(2): deeper lookahead makes grammar analysis explode (non-reserved keywords are all
      // identifiers); the few places that need more use gates
      maxLookahead: 2,
      errorMessageProvider: {
        buildMismatchTokenMessage: (o) => {
          expectedOfLastError = [o.expected];
          return "mismatch";
        },
        buildNotAllInputParsedMessage: () => {
          expectedOfLastError = [];
          return "redundant input";
        },
        buildNoViableAltMessage: (o) => {
          expectedOfLastError = o.expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])).filter((t) => t);
          return "no viable alternative";
        },
        buildEarlyExitMessage: (o) => {
          expectedOfLastError = o.expectedIterationPaths.map((path) => path[0]).filter((t) => t);
          return "early exit";
        },
      },
    });
    defineCommonRules(this);
    defineExpressionRules(this);
    defineFunctionRules(this);
    defineSpecialFormRules(this);
    defineQueryRules(this);
    defineDmlRules(this);
    defineDdlRules(this);
    defineAlterDropRules(this);
    defineUtilityRules(this);
    this.performSelfAnalysis();
  }

  // ── public DSL wrappers (Chevrotain's DSL methods are protected) ──
  rule<F extends (...args: any[]) => any>(name: string, impl: F): ParserMethod<Parameters<F>, ReturnType<F>> {
    return this.RULE(name, impl);
  }
  c(idx: number, t: TokenType): SqlToken {
    return this.consume(idx, t) as SqlToken;
  }
  s<ARGS extends unknown[], R>(idx: number, rule: ParserMethod<ARGS, R>, ...args: ARGS): R {
    return this.subrule(idx, rule, args.length > 0 ? { ARGS: args } : undefined);
  }
  opt<T>(idx: number, def: () => T, gate?: () => boolean): T | undefined {
    return this.option(idx, gate ? { GATE: gate, DEF: def } : def);
  }
  alt<T>(idx: number, alts: IOrAlt<T>[], ignoreAmbiguities = false): T {
    return this.or(idx, ignoreAmbiguities ? { DEF: alts, IGNORE_AMBIGUITIES: true } : alts);
  }
  rep(idx: number, def: () => void, gate?: () => boolean): void {
    this.many(idx, gate ? { GATE: gate, DEF: def } : def);
  }
  rep1(idx: number, def: () => void): void {
    this.atLeastOne(idx, def);
  }
  /** `item (, item)*` */
  sep<T>(idx: number, item: () => T): T[] {
    const out: T[] = [];
    const opts = { SEP: Comma, DEF: () => out.push(item()) };
    switch (idx) {
      case 0: this.AT_LEAST_ONE_SEP(opts); break;
      case 1: this.AT_LEAST_ONE_SEP1(opts); break;
      case 2: this.AT_LEAST_ONE_SEP2(opts); break;
      case 3: this.AT_LEAST_ONE_SEP3(opts); break;
      default: throw new Error(`sep index ${idx} out of range`);
    }
    return out;
  }
  act<T>(impl: () => T): T {
    return this.ACTION(impl);
  }
  la(k: number): SqlToken {
    return this.LA(k) as SqlToken;
  }
  recording(): boolean {
    return this.RECORDING_PHASE;
  }

  // ── helpers for gates and actions ──
  /** Consumes the rest of the statement outside the grammar; returns its text (only from act()). */
  skipRest(): string {
    const first = this.la(1);
    let last: SqlToken | undefined;
    while (this.LA(1).tokenType !== EOF) {
      last = this.la(1);
      (this as unknown as { consumeToken(): void }).consumeToken();
    }
    if (last === undefined) this.fail(first, "Expected an ALTER action.");
    return this.ctx.text.slice(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
  }

  /** Throws a syntax error at `tok` (only from inside act()). */
  fail(tok: IToken, hint?: string): never {
    const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
    throw syntaxError(this.ctx.text, atEnd ? this.ctx.terminator : tok, hint);
  }

  is(tok: IToken, t: TokenType): boolean {
    return tok.tokenType === t;
  }

  /** Is `tok` usable as a name (identifier or non-reserved keyword)? */
  isIdent(tok: IToken): boolean {
    return tok.tokenType === Ident || (Ident.categoryMatchesMap?.[tok.tokenTypeIdx] ?? false);
  }

  /** May LA(1) start an alias (AS x, or a bare name that does not start a clause)? */
  aliasAhead(forbidden?: TokenType): boolean {
    const t = this.LA(1);
    if (t.tokenType === K.AS) return true;
    if (!this.isIdent(t) || NO_BARE_ALIAS.has(t.tokenType) || t.tokenType === forbidden) return false;
    if (t.tokenType === K.VECTOR && this.LA(2).tokenType === K.JOIN) return false;
    return true;
  }

  /**
   * Is the parenthesis whose contents start at token index `i` a query (a subquery, possibly in
   * more parentheses and continued by UNION/ORDER BY/...) rather than an expression or a join?
   */
  isQueryAt(i: number): boolean {
    const { tokens, match, queryMemo } = this.ctx;
    // walk down the chain of leading '(' and decide bottom-up
    const chain: number[] = [];
    let j = i;
    while (j < tokens.length && tokens[j].tokenType === LParen && queryMemo[j] === 0) {
      chain.push(j);
      j++;
    }
    let result: boolean;
    if (j >= tokens.length) result = false;
    else if (tokens[j].tokenType === LParen) result = queryMemo[j] === 1;
    else result = QUERY_START.has(tokens[j].tokenType);
    for (let k = chain.length - 1; k >= 0; k--) {
      const open = chain[k];
      if (result) {
        const close = match[open];
        const after = close >= 0 ? tokens[close + 1] : undefined;
        result = after !== undefined && QUERY_FOLLOW.has(after.tokenType);
      }
      queryMemo[open] = result ? 1 : 2;
    }
    return result;
  }

  /** Does a parenthesised query start at LA(k) (LA(k) is the '(')? */
  queryParenAhead(k = 1): boolean {
    const t = this.la(k);
    if (t.tokenType !== LParen || t.idx === undefined) return false;
    return this.isQueryAt(t.idx + 1);
  }
}

