// A source's reading of the input log, in log order: each message decoded by the log's scheme;
// a message whose body is stored apart (a large write, `fetch`) is fetched from the object store
// and decoded again by the same scheme, and the messages after it wait until it is handled.

import type { LogMessage, ObjectStore } from "./backbone.js";
import type { InputEvent, InputLogScheme } from "./input-scheme.js";
import { SqlError } from "../types/index.js";

export interface OrderedInput {
  /** the log's next message (in sequence order) */
  push(m: LogMessage): void;
  /** handles nothing more until resume() (what was pushed waits, in order) */
  pause(): void;
  resume(): void;
  stop(): void;
}

export interface OrderedInputOptions {
  scheme: InputLogScheme;
  relations: ReadonlySet<string>;
  objects: ObjectStore;
  /** each message's event (null: nothing for these relations), in log order */
  handle(event: Exclude<InputEvent, { kind: "fetch" }>, seq: number): void;
  /** a body that cannot be read (missing object): nothing after it is handled */
  unreadable(seq: number, e: Error): void;
  /** waits before fetching again while the backbone is away */
  retry(then: () => void): void;
}

export function orderedInput(o: OrderedInputOptions): OrderedInput {
  const backlog: LogMessage[] = [];
  let fetching = false;
  let stopped = false;
  let paused = false;
  const fetchObject = (name: string): Promise<Uint8Array> =>
    o.objects.get(name).then(
      (bytes) => {
        if (bytes === null) throw new Error(`the object ${name} of a large input-log message is missing`);
        return bytes;
      },
      // the backbone away (08006, as nats-backbone.ts reports it): try again; anything else is final
      (e: unknown) => {
        if (!(e instanceof SqlError && e.code === "08006") || stopped) throw e;
        return new Promise<void>((r) => o.retry(r)).then(() => fetchObject(name));
      },
    );
  const pump = (): void => {
    while (!fetching && !paused && backlog.length > 0 && !stopped) {
      const m = backlog.shift()!;
      const event = o.scheme.decode(m, o.relations);
      if (event?.kind !== "fetch") {
        o.handle(event, m.seq);
        continue;
      }
      fetching = true;
      fetchObject(event.object)
        .then((data) => {
          if (stopped) return;
          const body = o.scheme.decode({ ...m, data }, o.relations);
          if (body?.kind === "fetch") throw new Error(`the object ${event.object} names another object`);
          o.handle(body, m.seq);
          fetching = false;
          pump();
        })
        .catch((e: Error) => o.unreadable(m.seq, e));
    }
  };
  return {
    push(m) {
      backlog.push(m);
      pump();
    },
    pause() {
      paused = true;
    },
    resume() {
      if (!paused) return;
      paused = false;
      pump();
    },
    stop() {
      stopped = true;
    },
  };
}
