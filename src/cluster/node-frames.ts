// The frames nodes send each other over a Network connection. A connection opens with `hello`
// (protocol version, cluster token, the sender's membership): the receiver answers `welcome` or
// `refused` and closes. Then a worker sends the leader `ack`s of its checkpoints, and workers send
// each other `exchange` frames: one executor message from one partition of a fragment to one
// partition of the next, stamped with the generation (a frame of another generation is dropped).
// Control frames are JSON; exchange frames go through a swappable codec (Arrow IPC in production,
// exchange-frames.ts; the state codec by default).

import type { Message } from "../executor/message.js";
import { decodeState, encodeState } from "../executor/state/index.js";
import { PROTOCOL_VERSION } from "./cluster-records.js";

export interface ExchangeFrame {
  generation: number;
  view: string;
  exchange: number;
  from: number;
  to: number;
  msg: Message;
}

export type ControlFrame =
  | { t: "hello"; version: number; token: string; member: string; role: "worker" | "coordinator" }
  | { t: "welcome" }
  | { t: "refused"; reason: string }
  /**
   * an instance checkpointed `epoch` (every object of its chain written); `seq`: its marker's log
   * sequence (source instances), else -1; `links`: its checkpoint chain (cluster-records.ts chainLink)
   */
  | { t: "ack"; member: string; generation: number; view: string; fragment: number; partition: number; epoch: number; seq: number; links: string[] }
  /** a materialize partition's net changes of `epoch` (Arrow IPC chunk as base64; null: none), gathered by the leader */
  | { t: "changes"; member: string; generation: number; view: string; partition: number; epoch: number; chunk: string | null };

/** encodes exchange frames; swap it for the Arrow IPC codec */
export interface ExchangeFrameCodec {
  encode(frame: ExchangeFrame): Uint8Array;
  decode(bytes: Uint8Array): ExchangeFrame;
}

const STATE_FRAME = 0;
const BARRIER_FRAME = 1;

/**
 * The default codec: barrier frames (most frames: every sender to every receiving partition, every
 * epoch) as small JSON, the rest through the checkpoint state codec.
 */
export const stateFrameCodec: ExchangeFrameCodec = {
  encode: (frame) => {
    const body = frame.msg.kind === "barrier" ? encoder.encode(JSON.stringify(frame)) : encodeState(frame);
    const out = new Uint8Array(body.length + 1);
    out[0] = frame.msg.kind === "barrier" ? BARRIER_FRAME : STATE_FRAME;
    out.set(body, 1);
    return out;
  },
  decode: (bytes) => {
    const body = bytes.subarray(1);
    return (bytes[0] === BARRIER_FRAME ? JSON.parse(decoder.decode(body)) : decodeState(body)) as ExchangeFrame;
  },
};

const KIND_CONTROL = 1;
const KIND_EXCHANGE = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeControl(frame: ControlFrame): Uint8Array {
  const body = encoder.encode(JSON.stringify(frame));
  const out = new Uint8Array(body.length + 1);
  out[0] = KIND_CONTROL;
  out.set(body, 1);
  return out;
}

export function encodeExchange(codec: ExchangeFrameCodec, frame: ExchangeFrame): Uint8Array {
  const body = codec.encode(frame);
  const out = new Uint8Array(body.length + 1);
  out[0] = KIND_EXCHANGE;
  out.set(body, 1);
  return out;
}

export type NodeFrame = { kind: "control"; frame: ControlFrame } | { kind: "exchange"; frame: ExchangeFrame };

export function decodeNodeFrame(codec: ExchangeFrameCodec, bytes: Uint8Array): NodeFrame {
  const body = bytes.subarray(1);
  if (bytes[0] === KIND_CONTROL) return { kind: "control", frame: JSON.parse(decoder.decode(body)) as ControlFrame };
  if (bytes[0] === KIND_EXCHANGE) return { kind: "exchange", frame: codec.decode(body) };
  throw new Error(`unknown cluster frame kind ${bytes[0]}`);
}

/** why a hello is refused, or null */
export function helloProblem(hello: Extract<ControlFrame, { t: "hello" }>, token: string): string | null {
  if (hello.version !== PROTOCOL_VERSION) return `protocol version ${hello.version} is not this cluster's version ${PROTOCOL_VERSION}`;
  if (hello.token !== token) return "wrong cluster token";
  return null;
}
