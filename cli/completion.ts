// Tab completion for the REPL: backslash commands, SQL keywords (in the case the word is typed in:
// lower case stays lower, otherwise upper, like psql's COMP_KEYWORD_CASE=preserve-upper), relation
// names after FROM/JOIN/INTO/UPDATE/TABLE/..., `name.` followed by that relation's columns, and
// elsewhere keywords, relations and the columns of the relations the statement mentions.

export interface CompletionSource {
  keywords: readonly string[];
  metaCommands: readonly string[];
  relations(): Promise<string[]>;
  columns(relation: string): Promise<string[]>;
}

/** Words after which only a relation name makes sense. */
const RELATION_CONTEXT = new Set(["FROM", "JOIN", "INTO", "UPDATE", "TABLE", "SUBSCRIBE", "DESCRIBE", "TRUNCATE", "VIEW"]);
const META_RELATION_COMMANDS = new Set(["\\d", "\\dt", "\\dv", "\\dm"]);

/**
 * Completions for the word ending `line` (the line typed so far); `before` is the statement text
 * from earlier lines. Returns the candidates and the word they replace, as node:readline wants.
 */
export async function complete(line: string, before: string, src: CompletionSource): Promise<[string[], string]> {
  const [candidates, word] = await candidatesFor(line, before, src);
  // a single match is finished off with a space, as psql does
  return [candidates.length === 1 ? [candidates[0] + " "] : candidates, word];
}

async function candidatesFor(line: string, before: string, src: CompletionSource): Promise<[string[], string]> {
  const trimmed = line.trimStart();
  if (trimmed.startsWith("\\")) {
    const parts = trimmed.split(/\s+/);
    if (parts.length === 1) return [src.metaCommands.filter((c) => c.startsWith(parts[0])).sort(), parts[0]];
    const word = parts[parts.length - 1];
    if (!META_RELATION_COMMANDS.has(parts[0])) return [[], word];
    return [matchNames(await src.relations(), word), word];
  }

  const word = /[\w$."]*$/.exec(line)![0];
  const dot = word.lastIndexOf(".");
  if (dot > 0) {
    const relation = word.slice(0, dot);
    const prefix = word.slice(dot + 1);
    const cols = matchNames(await src.columns(relation), prefix);
    return [cols.map((c) => `${relation}.${c}`), word];
  }

  const text = `${before}\n${line.slice(0, line.length - word.length)}`;
  const previous = /([\w$]+)\s*$/.exec(text)?.[1]?.toUpperCase();
  const relations = await src.relations();
  if (previous !== undefined && RELATION_CONTEXT.has(previous)) return [matchNames(relations, word), word];

  const candidates = new Set<string>();
  for (const k of matchKeywords(src.keywords, word)) candidates.add(k);
  for (const r of matchNames(relations, word)) candidates.add(r);
  for (const rel of mentionedRelations(`${before}\n${line}`, relations)) {
    for (const c of matchNames(await src.columns(rel), word)) candidates.add(c);
  }
  return [[...candidates].sort(), word];
}

function matchKeywords(keywords: readonly string[], word: string): string[] {
  const lower = word !== "" && word === word.toLowerCase();
  const upperWord = word.toUpperCase();
  return keywords.filter((k) => k.toUpperCase().startsWith(upperWord)).map((k) => (lower ? k.toLowerCase() : k.toUpperCase()));
}

function matchNames(names: readonly string[], word: string): string[] {
  const w = word.replace(/^"/, "").toLowerCase();
  return names.filter((n) => n.toLowerCase().startsWith(w)).sort();
}

/** Relations named after FROM, JOIN, UPDATE or INTO in the statement (that exist). */
export function mentionedRelations(text: string, known: readonly string[]): string[] {
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const found = new Set<string>();
  for (const m of text.matchAll(/\b(?:from|join|update|into)\s+([\w$]+)/gi)) {
    const name = byLower.get(m[1].toLowerCase());
    if (name !== undefined) found.add(name);
  }
  // FROM a, b
  for (const m of text.matchAll(/\bfrom\s+([\w$]+(?:\s+(?:as\s+)?[\w$]+)?(?:\s*,\s*[\w$]+(?:\s+(?:as\s+)?[\w$]+)?)+)/gi)) {
    for (const part of m[1].split(",")) {
      const name = byLower.get(part.trim().split(/\s+/)[0].toLowerCase());
      if (name !== undefined) found.add(name);
    }
  }
  return [...found];
}
