// The one error class every user-facing failure is: a SQLSTATE code, a message, and where known
// the position in the statement text (1-based character offset, as Postgres reports it) with its
// line and column, a hint and a detail. The server maps it to ErrorResponse field by field.

/** SQLSTATE codes we raise, named as the Postgres manual's appendix A names them. */
export const SqlState = {
  SuccessfulCompletion: "00000",
  FeatureNotSupported: "0A000",
  CardinalityViolation: "21000",
  DataException: "22000",
  StringDataRightTruncation: "22001",
  NumericValueOutOfRange: "22003",
  NullValueNotAllowed: "22004",
  InvalidDatetimeFormat: "22007",
  DatetimeFieldOverflow: "22008",
  InvalidTimeZoneDisplacementValue: "22009",
  InvalidParameterValue: "22023",
  InvalidRegularExpression: "2201B",
  InvalidRowCountInLimitClause: "2201W",
  InvalidRowCountInResultOffsetClause: "2201X",
  DivisionByZero: "22012",
  IntervalFieldOverflow: "22015",
  InvalidCharacterValueForCast: "22018",
  InvalidEscapeSequence: "22025",
  SubstringError: "22011",
  InvalidTextRepresentation: "22P02",
  InvalidBinaryRepresentation: "22P03",
  BadCopyFileFormat: "22P04",
  ArraySubscriptError: "2202E",
  DataCorrupted: "XX001",
  IntegrityConstraintViolation: "23000",
  NotNullViolation: "23502",
  ForeignKeyViolation: "23503",
  UniqueViolation: "23505",
  CheckViolation: "23514",
  InvalidTransactionState: "25000",
  ActiveSqlTransaction: "25001",
  NoActiveSqlTransaction: "25P01",
  InFailedSqlTransaction: "25P02",
  InvalidPassword: "28P01",
  InvalidAuthorizationSpecification: "28000",
  InvalidCatalogName: "3D000",
  InvalidSchemaName: "3F000",
  SyntaxError: "42601",
  InsufficientPrivilege: "42501",
  InvalidGrantOperation: "0LP01",
  UndefinedColumn: "42703",
  UndefinedTable: "42P01",
  UndefinedFunction: "42883",
  UndefinedObject: "42704",
  UndefinedParameter: "42P02",
  DuplicateColumn: "42701",
  DuplicateTable: "42P07",
  DuplicateObject: "42710",
  ReservedName: "42939",
  DuplicateAlias: "42712",
  DuplicateFunction: "42723",
  AmbiguousColumn: "42702",
  AmbiguousFunction: "42725",
  AmbiguousAlias: "42P09",
  DatatypeMismatch: "42804",
  CannotCoerce: "42846",
  GroupingError: "42803",
  WindowingError: "42P20",
  InvalidColumnReference: "42P10",
  InvalidRecursion: "42P19",
  WrongObjectType: "42809",
  InvalidTableDefinition: "42P16",
  InvalidColumnDefinition: "42611",
  InvalidObjectDefinition: "42P17",
  InvalidFunctionDefinition: "42P13",
  DependentObjectsStillExist: "2BP01",
  TooManyColumns: "54011",
  ProgramLimitExceeded: "54000",
  StatementTooComplex: "54001",
  OutOfMemory: "53200",
  TooManyConnections: "53300",
  DiskFull: "53100",
  QueryCanceled: "57014",
  AdminShutdown: "57P01",
  ObjectNotInPrerequisiteState: "55000",
  ObjectInUse: "55006",
  LockNotAvailable: "55P03",
  IoError: "58030",
  UndefinedFile: "58P01",
  ConfigFileError: "F0000",
  InternalError: "XX000",
  ProtocolViolation: "08P01",
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState] | string;

export interface SqlErrorOptions {
  /** 1-based character offset into the statement text (Postgres's ErrorResponse 'P' field). */
  position?: number;
  /** 1-based line and column of `position`, for syntax errors. */
  line?: number;
  column?: number;
  hint?: string;
  detail?: string;
}

export class SqlError extends Error {
  readonly code: SqlStateCode;
  position?: number;
  line?: number;
  column?: number;
  hint?: string;
  detail?: string;

  constructor(code: SqlStateCode, message: string, options: SqlErrorOptions = {}) {
    super(message);
    this.name = "SqlError";
    this.code = code;
    this.position = options.position;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
    this.detail = options.detail;
  }

  /** Sets the position once (the innermost, most precise position wins). */
  at(position: number | undefined, text?: string): this {
    if (position === undefined || this.position !== undefined) return this;
    this.position = position;
    if (text !== undefined) {
      const before = text.slice(0, position - 1);
      const lines = before.split("\n");
      this.line = lines.length;
      this.column = lines[lines.length - 1].length + 1;
    }
    return this;
  }
}

export function isSqlError(e: unknown): e is SqlError {
  return e instanceof SqlError;
}

/** Wraps any thrown value as an SqlError (internal errors become XX000, never a crash). */
export function toSqlError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (e instanceof RangeError && /BigInt/.test(e.message)) {
    return new SqlError(SqlState.NumericValueOutOfRange, "value out of range");
  }
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    return new SqlError(SqlState.StatementTooComplex, "stack depth limit exceeded", {
      hint: "The statement nests too deeply; simplify it.",
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new SqlError(SqlState.InternalError, `internal error: ${message}`);
}

/** `toSqlError(e)` with its line and column filled in from its position in `text`. */
export function toPositionedSqlError(e: unknown, text: string): SqlError {
  const err = toSqlError(e);
  if (err.position !== undefined && err.line === undefined) {
    const p = err.position;
    err.position = undefined;
    err.at(p, text);
  }
  return err;
}
