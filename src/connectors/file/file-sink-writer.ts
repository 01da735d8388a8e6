// The file sink's writer: each batch becomes one new file in the sink's directory (named
// part-<ms>-<seq>.<ext>, sorting in write order), through writeFile (complete when it appears).
// type = 'changes' adds a column __op (1 inserted, -1 deleted); type = 'append-only' writes the rows.

import { Chunk, Column, SqlError, SqlState, Types, type DataType } from "../../types/index.js";
import type { SinkBatch, SinkWriter } from "../sink-writer.js";
import type { FileFormat } from "./file-format.js";
import { writeFile } from "./file-writer.js";

export class FileSinkWriter implements SinkWriter {
  readonly connector = "file";
  readonly exactlyOnce = false;
  private seq = 0;
  filesWritten = 0;

  constructor(
    private readonly dir: string,
    private readonly format: FileFormat,
    private readonly appendOnly: boolean,
    private readonly names: readonly string[],
    private readonly types: readonly DataType[],
  ) {}

  async write(batch: SinkBatch): Promise<void> {
    const net = batch.changes(0);
    if (net === null || net.length === 0) return;
    const names = [...this.names];
    const types = [...this.types];
    let out = net;
    if (!this.appendOnly) {
      const ops = new Int32Array(net.length);
      for (let i = 0; i < net.length; i++) ops[i] = net.op(i);
      out = new Chunk([...net.columns, new Column(Types.smallint, ops, null, net.length)], net.length);
      names.push("__op");
      types.push(Types.smallint);
    }
    const file = `${this.dir}/part-${Date.now()}-${String(++this.seq).padStart(6, "0")}.${this.format.format}`;
    try {
      await writeFile(file, this.format, { names, types }, [out.withOps(null)]);
      this.filesWritten++;
    } catch (e) {
      throw e instanceof SqlError ? e : new SqlError(SqlState.IoError, String(e));
    }
  }

  retryable(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
