// Small facts about SQL text the shell needs before the engine sees it: where the first token
// starts (after whitespace and comments, which psql drops from the front of a statement) and
// whether a piece of text holds nothing but whitespace, comments and semicolons.

/**
 * Offset of the first character that is not whitespace, a `--` comment or a closed `/* *\/`
 * comment (nested as in Postgres). An unclosed block comment counts as content: it starts there.
 */
export function skipNoise(text: string, from = 0): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") {
      i++;
    } else if (c === "-" && text[i + 1] === "-") {
      const nl = text.indexOf("\n", i);
      if (nl < 0) return text.length;
      i = nl + 1;
    } else if (c === "/" && text[i + 1] === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === "/" && text[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (text[j] === "*" && text[j + 1] === "/") {
          depth--;
          j += 2;
        } else j++;
      }
      if (depth > 0) return i;
      i = j;
    } else {
      return i;
    }
  }
  return i;
}

/** True when the text has no statement in it: only whitespace, comments and semicolons. */
export function isBlankSql(text: string): boolean {
  let i = skipNoise(text);
  while (i < text.length && text[i] === ";") i = skipNoise(text, i + 1);
  return i >= text.length;
}

/** 1-based line number of a 0-based offset in the text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}
