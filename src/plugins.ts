// Plugins: npm packages (or module paths) named in Database.open's `plugins` (and `sage-sql
// serve/shell --plugin`) that add connectors and model providers. A plugin module exports (as its
// default export or as named exports) `connectors` — name → factory of a RowSource — and/or
// `modelProviders` — name → factory of a ModelProvider. Names resolve from the current working
// directory, as `node` resolves a package the user installed next to their project.

import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { registerModelProvider, type ModelDefinition, type ModelProvider } from "./ai/index.js";
import { registerConnector, type GeneratorSource, type SourceColumn } from "./connectors/index.js";
import { sqlValueFromJs } from "./executor/index.js";
import { Chunk, SqlError, SqlState } from "./types/index.js";

/**
 * A plugin's source of rows for a stream. Rows are arrays in the stream's column order, with JS
 * values (numbers, strings, booleans, BigInt for bigint, text forms for dates and the like).
 */
export interface RowSource {
  /** up to `maxRows` next rows (fewer, or none, when nothing is ready), or null once exhausted */
  next(maxRows: number): unknown[][] | null;
  /** the position for checkpoints (plain JSON-serializable data) */
  offset(): unknown;
  /** restores a position returned by `offset()` */
  seek(offset: unknown): void;
  /** rows per second to produce (0 or absent = as fast as possible) */
  readonly rowsPerSecond?: number;
}

/** CREATE STREAM s (...) WITH (connector = '<name>', ...): builds the stream's source. */
export type ConnectorPlugin = (options: Record<string, string>, columns: SourceColumn[]) => RowSource;

/** CREATE MODEL m WITH (provider = '<name>', ...): builds the model's provider. */
export type ModelProviderPlugin = (definition: ModelDefinition) => ModelProvider;

export interface SagePlugin {
  connectors?: Record<string, ConnectorPlugin>;
  modelProviders?: Record<string, ModelProviderPlugin>;
}

/** Wraps a plugin's RowSource as the engine's GeneratorSource (columnar chunks). */
function generatorFrom(source: RowSource, columns: SourceColumn[]): GeneratorSource {
  const types = columns.map((c) => c.type);
  return {
    columns,
    rowsPerSecond: source.rowsPerSecond ?? 0,
    next(maxRows) {
      const rows = source.next(maxRows);
      if (rows === null) return null;
      return Chunk.fromRows(types, rows.slice(0, maxRows).map((r) => types.map((t, i) => sqlValueFromJs(t, r[i]))));
    },
    offset: () => source.offset(),
    seek: (o) => source.seek(o),
  };
}

async function importPlugin(name: string): Promise<unknown> {
  // require.resolve finds a package's entry (package.json "main") for names and directories alike
  const local = name.startsWith(".") || isAbsolute(name);
  const path = createRequire(join(process.cwd(), "package.json")).resolve(local ? resolve(name) : name);
  return import(pathToFileURL(path).href);
}

/** Loads each plugin and registers what it provides; returns the names it registered. */
export async function loadPlugins(names: readonly string[]): Promise<{ connectors: string[]; modelProviders: string[] }> {
  const out = { connectors: [] as string[], modelProviders: [] as string[] };
  for (const name of names) {
    let mod: Record<string, unknown>;
    try {
      mod = (await importPlugin(name)) as Record<string, unknown>;
    } catch (e) {
      throw new SqlError(SqlState.UndefinedObject, `plugin "${name}" could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    const plugin = (mod.default !== null && typeof mod.default === "object" ? mod.default : mod) as SagePlugin;
    const connectors = plugin.connectors ?? {};
    const providers = plugin.modelProviders ?? {};
    if (Object.keys(connectors).length + Object.keys(providers).length === 0) {
      throw new SqlError(SqlState.InvalidParameterValue, `plugin "${name}" provides no connectors and no modelProviders`);
    }
    for (const [key, factory] of Object.entries(connectors)) {
      if (typeof factory !== "function") throw new SqlError(SqlState.InvalidParameterValue, `plugin "${name}": connector "${key}" is not a function`);
      registerConnector(key, (options, columns) => generatorFrom(factory(options, columns), columns));
      out.connectors.push(key);
    }
    for (const [key, factory] of Object.entries(providers)) {
      if (typeof factory !== "function") throw new SqlError(SqlState.InvalidParameterValue, `plugin "${name}": model provider "${key}" is not a function`);
      registerModelProvider(key, factory);
      out.modelProviders.push(key);
    }
  }
  return out;
}
