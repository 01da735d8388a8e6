// Finding test files: a directory means every *.slt and *.test under it (recursively, sorted), a
// pattern with * ? or [ is a glob (`**` crosses directories), anything else is a file.

import { readdirSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";

const TEST_FILE = /\.(slt|test)$/;

export function findTestFiles(path: string, extensions: RegExp = TEST_FILE): string[] {
  if (/[*?[]/.test(path)) return expandGlob(path).filter((f) => extensions.test(f) || !isDirectory(f));
  if (isDirectory(path)) return walk(path).filter((f) => extensions.test(f));
  return [path];
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every file under a directory, sorted. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = join(d, name);
      if (isDirectory(p)) visit(p);
      else out.push(p);
    }
  };
  visit(dir);
  return out;
}

/** Files matching a glob pattern (relative patterns are taken from `cwd`), sorted. */
export function expandGlob(pattern: string, cwd = process.cwd()): string[] {
  const absolute = resolve(cwd, pattern);
  const parts = absolute.split(sep);
  // the fixed directory before the first part with a wildcard
  let fixed = 0;
  while (fixed < parts.length && !/[*?[]/.test(parts[fixed])) fixed++;
  const base = parts.slice(0, fixed).join(sep) || sep;
  if (fixed === parts.length) return isDirectory(absolute) ? [] : exists(absolute) ? [absolute] : [];
  const re = globToRegExp(parts.slice(fixed).join("/"));
  return walk(base)
    .filter((f) => re.test(f.slice(base.length + (base.endsWith(sep) ? 0 : 1)).split(sep).join("/")))
    .sort();
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function globToRegExp(glob: string): RegExp {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` matches any number of directories, `**` anything
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += "[" + glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(re + "$");
}
