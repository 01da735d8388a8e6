// Token types of the sage-sql dialect (Chevrotain token types; the scanner in lexer.ts produces
// tokens of these types). Keywords are case-insensitive; reserved keywords can only be used as
// names when double-quoted (or as a column label after AS / after a dot), non-reserved keywords
// belong to the `Ident` category and so are accepted wherever a name is.

import { createToken, type TokenType } from "chevrotain";

/** Identifiers, quoted identifiers and non-reserved keywords. */
export const Ident = createToken({ name: "Ident" });
/** Reserved keywords (usable as column labels after AS or a dot). */
export const ReservedKeyword = createToken({ name: "ReservedKeyword" });
/** Operators that can join two expressions. */
export const BinaryOperator = createToken({ name: "BinaryOperator" });
/** Comparison operators (= <> < <= > >=). */
export const Comparison = createToken({ name: "Comparison", categories: [BinaryOperator] });

export const Identifier = createToken({ name: "Identifier", categories: [Ident] });
export const QuotedIdentifier = createToken({ name: "QuotedIdentifier", categories: [Ident] });

export const StringLiteral = createToken({ name: "StringLiteral" });
export const BitStringLiteral = createToken({ name: "BitStringLiteral" });
export const IntegerLiteral = createToken({ name: "IntegerLiteral" });
export const DecimalLiteral = createToken({ name: "DecimalLiteral" });
export const Param = createToken({ name: "Param" });

export const Semicolon = createToken({ name: "Semicolon", label: "';'" });
export const Comma = createToken({ name: "Comma", label: "','" });
export const LParen = createToken({ name: "LParen", label: "'('" });
export const RParen = createToken({ name: "RParen", label: "')'" });
export const LBracket = createToken({ name: "LBracket", label: "'['" });
export const RBracket = createToken({ name: "RBracket", label: "']'" });
export const Dot = createToken({ name: "Dot", label: "'.'" });
export const Colon = createToken({ name: "Colon", label: "':'" });
export const DoubleColon = createToken({ name: "DoubleColon", label: "'::'" });

export const Star = createToken({ name: "Star", label: "'*'", categories: [BinaryOperator] });
export const Plus = createToken({ name: "Plus", label: "'+'", categories: [BinaryOperator] });
export const Minus = createToken({ name: "Minus", label: "'-'", categories: [BinaryOperator] });
export const Slash = createToken({ name: "Slash", label: "'/'", categories: [BinaryOperator] });
export const Percent = createToken({ name: "Percent", label: "'%'", categories: [BinaryOperator] });
export const Caret = createToken({ name: "Caret", label: "'^'", categories: [BinaryOperator] });
export const Eq = createToken({ name: "Eq", label: "'='", categories: [Comparison, BinaryOperator] });
export const NotEq = createToken({ name: "NotEq", label: "'<>'", categories: [Comparison, BinaryOperator] });
export const Lt = createToken({ name: "Lt", label: "'<'", categories: [Comparison, BinaryOperator] });
export const Le = createToken({ name: "Le", label: "'<='", categories: [Comparison, BinaryOperator] });
export const Gt = createToken({ name: "Gt", label: "'>'", categories: [Comparison, BinaryOperator] });
export const Ge = createToken({ name: "Ge", label: "'>='", categories: [Comparison, BinaryOperator] });
/** Every other operator (||, ->, ->>, <->, <=>, @>, ~, ...): the image is the operator. */
export const Op = createToken({ name: "Op", label: "operator", categories: [BinaryOperator] });

/** Reserved keywords (Postgres's reserved list plus the type/function-name keywords that start clauses). */
const RESERVED_WORDS = [
  "ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "BETWEEN", "BOTH", "CASE", "CAST", "CHECK",
  "COLLATE", "COLUMN", "CONSTRAINT", "CREATE", "CROSS", "CURRENT_CATALOG", "CURRENT_DATE",
  "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT",
  "DEFERRABLE", "DESC", "DISTINCT", "DO", "ELSE", "END", "EXCEPT", "EXISTS", "FALSE", "FETCH", "FOR",
  "FOREIGN", "FROM", "FULL", "GRANT", "GROUP", "HAVING", "ILIKE", "IN", "INITIALLY", "INNER",
  "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT",
  "LOCALTIME", "LOCALTIMESTAMP", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "ONLY", "OR",
  "ORDER", "OUTER", "PLACING", "PRIMARY", "REFERENCES", "RETURNING", "RIGHT", "SELECT",
  "SESSION_USER", "SIMILAR", "SOME", "SYMMETRIC", "SYSTEM_USER", "TABLE", "THEN", "TO", "TRAILING",
  "TRUE", "UNION", "UNIQUE", "USER", "USING", "VALUES", "VARIADIC", "WHEN", "WHERE", "WINDOW", "WITH",
] as const;

/** Keywords the grammar needs as tokens but which remain usable as names. */
const NON_RESERVED_WORDS = [
  "ABORT", "ADD", "ALTER", "ALWAYS", "ANALYSE", "ANALYZE", "AT", "AUTHORIZATION", "BEGIN", "BY",
  "CANCEL", "CASCADE", "CHAIN", "CHARACTERISTICS", "CHECKPOINT", "CLOSE", "COMMIT", "CONCURRENTLY", "CONFLICT",
  "CONNECTION", "COPY", "CUBE", "CURRENT", "DATA", "DATABASE", "DAY", "DELETE", "DROP", "EMIT",
  "ENCODE", "ESCAPE", "EXCLUDE", "EXPLAIN", "EXTRACT", "FILTER", "FIRST", "FLUSH", "FOLLOWING",
  "FORMAT", "FUNCTION", "GENERATED", "GROUPING", "GROUPS", "HOUR", "IDENTITY", "IF", "INCLUDE",
  "INDEX", "INOUT", "INSERT", "INTERVAL", "JOB", "KEY", "LANGUAGE", "LAST", "LOCAL", "LOCKED",
  "MATERIALIZED", "MINUTE", "MODEL", "MONTH", "NAMES", "NEXT", "NO", "NOTHING", "NOWAIT", "NULLS",
  "OF", "OPERATOR", "ORDINALITY", "OTHERS", "OUT", "OVER", "OVERLAY", "OWNER", "PARTITION", "PASSWORD", "POSITION",
  "PRECEDING", "PRECISION", "PRIVILEGES", "RANGE", "RECURSIVE", "RELEASE", "RENAME", "REPLACE",
  "RESET", "RESTRICT", "RETURNS", "REVOKE", "ROLE", "ROLLBACK", "ROLLUP", "ROW", "ROWS",
  "SAVEPOINT", "SCHEMA", "SECOND", "SECRET", "SESSION", "SET", "SETS", "SHARE", "SHOW", "SINK",
  "SKIP", "SOURCE", "START", "STDIN", "STDOUT", "STORED", "STREAM", "SUBSCRIBE", "SUBSTRING",
  "SYSTEM_TIME", "TEMP", "TEMPORARY", "TIES", "TIME", "TOP", "TRANSACTION", "TRIM", "TRUNCATE",
  "UNBOUNDED", "UNKNOWN", "UNTIL", "UPDATE", "VALID", "VARYING", "VECTOR", "VERBOSE", "VIEW", "WATERMARK",
  "WITHIN", "WITHOUT", "WORK", "YEAR", "ZONE",
] as const;

export type ReservedWord = (typeof RESERVED_WORDS)[number];
export type NonReservedWord = (typeof NON_RESERVED_WORDS)[number];
export type KeywordName = ReservedWord | NonReservedWord;

/** Keyword token types by upper-case name: `K.SELECT`. */
export const K = {} as Record<KeywordName, TokenType>;
/** Keyword token types by lower-case spelling, for the scanner. */
export const keywordByLowerName = new Map<string, TokenType>();

for (const w of RESERVED_WORDS) {
  const extra = w === "AND" || w === "OR" ? [BinaryOperator] : [];
  const t = createToken({ name: w, label: w, categories: [ReservedKeyword, ...extra] });
  K[w] = t;
  keywordByLowerName.set(w.toLowerCase(), t);
}
for (const w of NON_RESERVED_WORDS) {
  const t = createToken({ name: w, label: w, categories: [Ident] });
  K[w] = t;
  keywordByLowerName.set(w.toLowerCase(), t);
}

export const RESERVED_KEYWORDS: readonly string[] = RESERVED_WORDS;
export const NON_RESERVED_KEYWORDS: readonly string[] = NON_RESERVED_WORDS;

/** All token types, categories first (the parser's vocabulary). */
export const allTokenTypes: TokenType[] = [
  Ident, ReservedKeyword, BinaryOperator, Comparison,
  Identifier, QuotedIdentifier, StringLiteral, BitStringLiteral, IntegerLiteral, DecimalLiteral, Param,
  Semicolon, Comma, LParen, RParen, LBracket, RBracket, Dot, Colon, DoubleColon,
  Star, Plus, Minus, Slash, Percent, Caret, Eq, NotEq, Lt, Le, Gt, Ge, Op,
  ...Object.values(K),
];

/** Words that are not tokens of their own but that the REPL may offer for completion. */
export const SOFT_KEYWORDS: readonly string[] = [
  "TABLES", "STREAMS", "VIEWS", "SINKS", "SOURCES", "MODELS", "SECRETS", "INDEXES", "FUNCTIONS",
  "JOBS", "DATABASES", "SCHEMAS", "ROLES", "USERS", "COLUMNS", "LOGIN", "NOLOGIN", "SUPERUSER",
  "NOSUPERUSER", "CREATEDB", "NOCREATEDB", "CREATEROLE", "NOCREATEROLE", "INHERIT", "NOINHERIT",
  "REPLICATION", "NOREPLICATION", "BYPASSRLS", "NOBYPASSRLS", "ISOLATION", "LEVEL", "READ",
  "COMMITTED", "UNCOMMITTED", "REPEATABLE", "SERIALIZABLE", "PUBLIC", "PRIVILEGES", "OPTION",
  "USAGE", "EXECUTE", "CSV", "HEADER", "DELIMITER", "QUOTE", "JSON", "PLAIN", "UPSERT",
  "DEBEZIUM_JSON", "PARQUET", "IMMUTABLE", "STABLE", "VOLATILE", "STRICT", "PROCTIME", "TUMBLE",
  "HOP", "CUMULATE", "EMBED", "GENERATE", "COALESCE", "NULLIF", "GREATEST", "LEAST",
];
