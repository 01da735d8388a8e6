// The control frames nodes send each other over a Network connection. A connection opens with
// `hello` (protocol version, cluster token, the sender's membership, and on a link between workers
// the generation it serves): the receiver answers `welcome` or `refused` and closes. Then a worker
// sends the leader `ack`s of its checkpoints and gathered `changes`. Control frames are JSON behind
// a kind byte; exchange frames between workers (exchange-frames.ts) start with their own magic byte,
// so the two share a link (exchange-channel.ts routes them).

import { PROTOCOL_VERSION } from "./cluster-records.js";

export type ControlFrame =
  /** `generation`: on a link between workers, the generation whose exchange channels it carries */
  | { t: "hello"; version: number; token: string; member: string; role: "worker" | "coordinator"; generation?: number }
  | { t: "welcome" }
  | { t: "refused"; reason: string }
  /**
   * an instance checkpointed `epoch` (every object of its chain written); `seq`: its marker's log
   * sequence (source instances), else -1; `links`: its checkpoint chain (cluster-records.ts chainLink)
   */
  | { t: "ack"; member: string; generation: number; view: string; fragment: number; partition: number; epoch: number; seq: number; links: string[] }
  /** a materialize partition's net changes of `epoch` (Arrow IPC chunk as base64; null: none), gathered by the leader */
  | { t: "changes"; member: string; generation: number; view: string; partition: number; epoch: number; chunk: string | null };

const KIND_CONTROL = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeControl(frame: ControlFrame): Uint8Array {
  const body = encoder.encode(JSON.stringify(frame));
  const out = new Uint8Array(body.length + 1);
  out[0] = KIND_CONTROL;
  out.set(body, 1);
  return out;
}

/** the control frame in `bytes`, or null when they are something else (an exchange frame) */
export function decodeControl(bytes: Uint8Array): ControlFrame | null {
  if (bytes[0] !== KIND_CONTROL) return null;
  return JSON.parse(decoder.decode(bytes.subarray(1))) as ControlFrame;
}

/** why a hello is refused, or null */
export function helloProblem(hello: Extract<ControlFrame, { t: "hello" }>, token: string): string | null {
  if (hello.version !== PROTOCOL_VERSION) return `protocol version ${hello.version} is not this cluster's version ${PROTOCOL_VERSION}`;
  if (hello.token !== token) return "wrong cluster token";
  return null;
}
