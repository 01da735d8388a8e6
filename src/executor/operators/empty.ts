// Empty (source): no rows (a WHERE false folded away); forwards barriers. No state.

import type { Emit, Message, SourceOperator } from "../message.js";

export class Empty implements SourceOperator {
  readonly name = "Empty";
  readonly stateFields = [] as const;

  constructor(private readonly emit: Emit) {}

  next(): boolean {
    return false;
  }

  push(_port: number, msg: Message): void {
    this.emit(msg);
  }
}
