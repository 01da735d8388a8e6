// Splits text into the words the embedded GloVe vocabulary knows.
//
// The vocabulary (GloVe 6B, lower-cased, ASCII) has hyphenated compounds ("cross-country") but no
// contractions, no pure numbers and no accented letters. So:
//   - NFKD-normalize, drop combining marks (café → cafe), lower-case, curly apostrophes → '
//   - a token is a run of letters/digits, possibly joined by inner apostrophes or hyphens
//   - contractions expand: n't → not (won't → will not, can't → can not), 're → are, 'll → will,
//     'm → am, 've → have, 'd → would; a possessive 's is dropped (john's → john)
//   - other apostrophes are removed when that makes a known word (o'neill → oneill), else split
//   - a hyphenated token is kept whole when known, else split into its parts
// Words the vocabulary lacks are returned too; the embedder skips them.

const TOKEN = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;
const MARKS = /\p{M}+/gu;
const CURLY = /[\u2018\u2019\u02bc\u0060\u00b4]/g;

const SUFFIXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["n't", ["not"]],
  ["'re", ["are"]],
  ["'ll", ["will"]],
  ["'ve", ["have"]],
  ["'m", ["am"]],
  ["'d", ["would"]],
  ["'s", []],
];
const IRREGULAR: ReadonlyMap<string, readonly string[]> = new Map([
  ["won't", ["will", "not"]],
  ["can't", ["can", "not"]],
  ["shan't", ["shall", "not"]],
  ["ain't", ["is", "not"]],
]);

/** Normalizes text the way the vocabulary was built (lower case, no accents, straight apostrophes). */
export function normalizeText(text: string): string {
  return text.normalize("NFKD").replace(MARKS, "").replace(CURLY, "'").toLowerCase();
}

/** The words of `text`, as the vocabulary spells them; `known` tells which words exist. */
export function tokenizeWords(text: string, known: (word: string) => boolean): string[] {
  const out: string[] = [];
  const norm = normalizeText(text);
  for (const m of norm.matchAll(TOKEN)) addToken(m[0], known, out);
  return out;
}

function addToken(token: string, known: (word: string) => boolean, out: string[]): void {
  if (token.includes("'")) {
    const irregular = IRREGULAR.get(token);
    if (irregular) {
      out.push(...irregular);
      return;
    }
    for (const [suffix, expansion] of SUFFIXES) {
      if (token.endsWith(suffix) && token.length > suffix.length) {
        addToken(token.slice(0, -suffix.length), known, out);
        out.push(...expansion);
        return;
      }
    }
    const joined = token.replace(/'/g, "");
    if (known(joined)) {
      out.push(joined);
      return;
    }
    for (const part of token.split("'")) if (part) addToken(part, known, out);
    return;
  }
  if (token.includes("-") && !known(token)) {
    for (const part of token.split("-")) if (part) out.push(part);
    return;
  }
  out.push(token);
}
