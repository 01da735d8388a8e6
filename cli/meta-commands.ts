// The shell's backslash commands, with psql's names and messages: \q \? \timing \x \d \dt \dv \dm
// \r \p \g \i \echo. `\d` lists relations from the engine's SHOW statements; `\d name` shows
// SHOW COLUMNS FROM name under psql's `Table "name"` title.

import type { Shell, LineOutcome } from "./shell.js";
import type { RelationKind } from "./catalog-lookup.js";
import { formatTable, toTable } from "./result-format.js";
import { toErrorLike } from "./shell.js";

export const META_COMMANDS = ["\\c", "\\connect", "\\l", "\\q", "\\?", "\\timing", "\\x", "\\d", "\\dt", "\\dv", "\\dm", "\\r", "\\p", "\\g", "\\i", "\\echo"];

const HELP = `General
  \\q                     quit sage-sql
  \\?                     show this help
  \\timing [on|off]       toggle timing of statements
  \\x [on|off|auto]       toggle expanded output

Connection
  \\c[onnect] DBNAME       connect to another database (CREATE DATABASE)

Query buffer
  \\g                     run the query buffer
  \\p                     show the query buffer
  \\r                     reset (clear) the query buffer

Input/Output
  \\i FILE                run statements from FILE
  \\echo [STRING]         write string to standard output

Informational
  \\l                     list databases
  \\d                     list tables, views, materialized views and streams
  \\d NAME                describe table, view, materialized view or stream
  \\dt                    list tables
  \\dv                    list views
  \\dm                    list materialized views

`;

const KIND_TITLES: Record<RelationKind, string> = {
  table: "Table",
  view: "View",
  "materialized view": "Materialized view",
  stream: "Stream",
};

/** Runs one backslash command line (e.g. `\timing on`). */
export async function runMetaCommand(shell: Shell, line: string): Promise<LineOutcome> {
  const [command, ...args] = splitArgs(line);
  const out = (text: string) => shell.out.out(text);
  switch (command) {
    case "\\q":
      return "quit";
    case "\\?":
      out(HELP);
      return "continue";
    case "\\timing": {
      const value = toggle(shell, "\\timing", args[0], shell.settings.timing);
      if (value !== undefined) {
        shell.settings.timing = value;
        out(`Timing is ${value ? "on" : "off"}.\n`);
      }
      return "continue";
    }
    case "\\x": {
      if (args[0] !== undefined && args[0].toLowerCase() === "auto") {
        shell.settings.expanded = "auto";
        out("Expanded display is used automatically.\n");
        return "continue";
      }
      const value = toggle(shell, "\\x", args[0], shell.settings.expanded === "on");
      if (value !== undefined) {
        shell.settings.expanded = value ? "on" : "off";
        out(`Expanded display is ${value ? "on" : "off"}.\n`);
      }
      return "continue";
    }
    case "\\r":
      shell.buffer.reset();
      out("Query buffer reset (cleared).\n");
      return "continue";
    case "\\p":
      out(shell.buffer.isEmpty ? "Query buffer is empty.\n" : shell.buffer.contents + "\n");
      return "continue";
    case "\\g":
      await shell.sendBuffer();
      return "continue";
    case "\\echo":
      out(args.join(" ") + "\n");
      return "continue";
    case "\\i":
      return includeFile(shell, args[0]);
    case "\\l":
      await listDatabases(shell);
      return "continue";
    case "\\c":
    case "\\connect":
      connectDatabase(shell, args[0]);
      return "continue";
    case "\\d":
      if (args.length > 0) await describeRelation(shell, args[0]);
      else await listRelations(shell, null);
      return "continue";
    case "\\dt":
      await listRelations(shell, "table");
      return "continue";
    case "\\dv":
      await listRelations(shell, "view");
      return "continue";
    case "\\dm":
      await listRelations(shell, "materialized view");
      return "continue";
    default:
      shell.reportProblem(`invalid command ${command}\nTry \\? for help.`);
      return "continue";
  }
}

/** psql's boolean argument: on/off/true/false/yes/no/1/0, or a toggle when absent. */
function toggle(shell: Shell, command: string, arg: string | undefined, current: boolean): boolean | undefined {
  if (arg === undefined) return !current;
  const v = arg.toLowerCase();
  if (["on", "true", "yes", "1", "t", "y"].includes(v)) return true;
  if (["off", "false", "no", "0", "f", "n"].includes(v)) return false;
  shell.reportProblem(`unrecognized value "${arg}" for "${command}": Boolean expected`);
  return undefined;
}

async function includeFile(shell: Shell, path: string | undefined): Promise<LineOutcome> {
  if (path === undefined) {
    shell.reportProblem("\\i: missing required argument");
    return "continue";
  }
  const read = shell.deps.readFile;
  let text: string;
  try {
    if (!read) throw new Error("reading files is not available here");
    text = read(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    shell.reportProblem(`${path}: ${code === "ENOENT" ? "No such file or directory" : (e as Error).message}`);
    return "continue";
  }
  await shell.runScript(text, path);
  return shell.stopped ? "quit" : "continue";
}

async function listRelations(shell: Shell, only: RelationKind | null): Promise<void> {
  const relations = (await shell.catalog.relations()).filter((r) => only === null || r.kind === only);
  if (relations.length === 0) {
    shell.out.err("Did not find any relations.\n");
    return;
  }
  const table = {
    title: "List of relations",
    headers: ["Name", "Type"],
    aligns: ["left" as const, "left" as const],
    rows: relations.map((r) => [r.name, r.kind]),
  };
  shell.out.out(formatTable(table, { expanded: shell.settings.expanded }));
}

async function describeRelation(shell: Shell, name: string): Promise<void> {
  const bare = name.replace(/^"(.*)"$/, "$1");
  const relations = await shell.catalog.relations();
  const relation =
    relations.find((r) => r.name === bare) ?? relations.find((r) => r.name.toLowerCase() === bare.toLowerCase());
  let result;
  try {
    result = await shell.catalog.describe(name);
  } catch (e) {
    if (relation === undefined) shell.reportProblem(`Did not find any relation named "${name}".`);
    else shell.reportError(toErrorLike(e));
    return;
  }
  const title = `${KIND_TITLES[relation?.kind ?? "table"]} "${relation?.name ?? bare}"`;
  // a table or stream fed by a connector (webhook, file, NATS, a generator) says which, as psql's "Options:"
  const connector = relation ? await shell.catalog.connector(relation.name) : undefined;
  const table = { ...toTable(result, shell.deps.formatValue), title, footers: connector ? [`Connector: ${connector}`] : [] };
  shell.out.out(formatTable(table, { expanded: shell.settings.expanded }));
}

async function listDatabases(shell: Shell): Promise<void> {
  let result;
  try {
    result = await shell.catalog.databases();
  } catch (e) {
    shell.reportError(toErrorLike(e));
    return;
  }
  const table = { ...toTable(result, shell.deps.formatValue), title: "List of databases", footers: [] };
  shell.out.out(formatTable(table, { expanded: shell.settings.expanded }));
}

/** Splits a backslash command line into words; single or double quotes group a word. */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'')*)'|"((?:[^"]|"")*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (m[1] !== undefined) words.push(m[1].replace(/''/g, "'"));
    else if (m[2] !== undefined) words.push(`"${m[2]}"`);
    else words.push(m[3]);
  }
  return words;
}

/** `\c NAME`: psql's messages; a refused connection keeps the previous one. */
function connectDatabase(shell: Shell, name: string | undefined): void {
  const connect = shell.deps.connect;
  if (!connect) {
    shell.reportProblem("\\connect: not available here");
    return;
  }
  if (name === undefined || name === "-") name = shell.database;
  try {
    const next = connect(name);
    shell.useSessions(next.session, next.catalogSession, next.database);
    shell.out.out(`You are now connected to database "${next.database}" as user "${next.user}".\n`);
  } catch (e) {
    shell.reportProblem(`\\connect: FATAL:  ${toErrorLike(e).message}\nPrevious connection kept`);
  }
}
