// The interface of a built-in generator source (datagen, nexmark): it produces columnar chunks of
// the declared stream columns on demand, deterministically, and can report and restore its
// position so that recovery replays exactly what was produced before.

import type { Chunk, DataType } from "../types/index.js";

export interface SourceColumn {
  name: string;
  type: DataType;
}

export interface GeneratorSource {
  /** what the source produces: the declared stream columns, in order */
  readonly columns: SourceColumn[];
  /** up to `maxRows` next rows (fewer at the end), or null once exhausted */
  next(maxRows: number): Chunk | null;
  /** the position for checkpoints (plain JSON-serializable data) */
  offset(): unknown;
  /** restores a position returned by `offset()` (of a source created with the same options) */
  seek(offset: unknown): void;
  /** rows per second asked for by the options (0 = as fast as possible) */
  readonly rowsPerSecond: number;
}
