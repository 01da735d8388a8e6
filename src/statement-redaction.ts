// Statement text with passwords and secret values taken out, for everything that records or
// quotes a statement (sage_catalog.audit_log, logs, error messages). CREATE/ALTER ROLE|USER and
// CREATE SECRET have every string literal replaced (a password, a secret value or its sealed
// form); in any other statement, `PASSWORD '...'` and the values of options whose name says
// they are credentials (password, api_key, token, value of a secret...) are replaced.

const MASK = "'********'";
/** statements whose every literal may be a credential */
const SENSITIVE_STATEMENT = /^\s*(?:create|alter)\s+(?:or\s+replace\s+)?(?:secret|role|user|group)\b/i;
/** option names whose value is a credential (WITH (password = '...'), headers, URLs with user:pass are not parsed) */
const SENSITIVE_OPTION = /(?:^|[^a-z0-9_.])((?:[a-z0-9_.]*\.)?(?:password|passwd|api_key|apikey|token|secret|access_key|secret_key|private_key|credentials|encrypted))\s*=\s*$/i;
const PASSWORD_KEYWORD = /\bpassword\s*$/i;

interface Literal {
  start: number;
  end: number;
  /** the literal's value (quotes undone) */
  value: string;
}

/** The string literals of `sql` ('...', E'...', $tag$...$tag$), skipping comments and quoted identifiers. */
function stringLiterals(sql: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === "'") {
      const start = i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[A-Za-z0-9_]/.test(sql[i - 2])) ? i - 1 : i;
      let j = i + 1;
      let value = "";
      for (; j < sql.length; j++) {
        if (sql[j] === "\\" && start < i) {
          value += sql[j + 1] ?? "";
          j++;
        } else if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            value += "'";
            j++;
          } else break;
        } else value += sql[j];
      }
      out.push({ start, end: Math.min(j + 1, sql.length), value });
      i = j + 1;
    } else if (c === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag && (i === 0 || !/[A-Za-z0-9_]/.test(sql[i - 1]))) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? sql.length : end + tag[0].length;
        out.push({ start: i, end: stop, value: sql.slice(i + tag[0].length, end < 0 ? sql.length : end) });
        i = stop;
      } else i++;
    } else i++;
  }
  return out;
}

/** The literals of `sql` that hold a password or secret value. */
function sensitiveLiterals(sql: string): Literal[] {
  const all = stringLiterals(sql);
  if (SENSITIVE_STATEMENT.test(sql)) return all;
  return all.filter((l) => {
    const before = sql.slice(Math.max(0, l.start - 80), l.start);
    return PASSWORD_KEYWORD.test(before) || SENSITIVE_OPTION.test(before);
  });
}

/** `sql` with passwords and secret values replaced by '********'. */
export function redactStatement(sql: string): string {
  const hidden = sensitiveLiterals(sql);
  if (hidden.length === 0) return sql;
  let out = "";
  let at = 0;
  for (const l of hidden) {
    out += sql.slice(at, l.start) + MASK;
    at = l.end;
  }
  return out + sql.slice(at);
}

/** `text` (an error message, a detail) with any password or secret value of `sql` masked. */
export function redactQuoted(text: string, sql: string): string {
  let out = text;
  for (const l of sensitiveLiterals(sql)) {
    if (l.value.length < 3) continue; // too short to mask without mangling the message
    out = out.split(l.value).join("********");
  }
  return out;
}
