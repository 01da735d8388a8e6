// How the protocol reads its input log (see input-messages.ts for the production scheme): the
// subjects it follows, the subject of barrier markers, and the changes a message makes. The
// simulation's own scheme, `in.<relation id>` carrying a change chunk in the state codec, is the
// default, so the protocol's seeded tests need no SQL engine.

import type { LogMessage } from "./backbone.js";
import { decodeState } from "../executor/state/index.js";
import type { Chunk } from "../types/index.js";

/** What a source instance reads from one message of the log. */
export type InputEvent =
  | { kind: "marker"; epoch: number }
  | { kind: "term"; term: number }
  | { kind: "changes"; term: number; relation: string; changes: Chunk[] }
  /** the message's body is `object` in the object store: decode the message again with that body */
  | { kind: "fetch"; object: string }
  | null;

export interface InputLogScheme {
  prefix: string;
  markerSubject: string;
  /** `relations`: the relation ids some instance reads (others need not be decoded) */
  decode(m: LogMessage, relations: ReadonlySet<string>): InputEvent;
}

export const SIM_SUBJECT_PREFIX = "in.";
export const SIM_MARKER_SUBJECT = "in.$barrier";
export const simRelationSubject = (relation: string): string => `in.${relation}`;

export const stateInputScheme: InputLogScheme = {
  prefix: SIM_SUBJECT_PREFIX,
  markerSubject: SIM_MARKER_SUBJECT,
  decode(m, relations) {
    if (m.subject === SIM_MARKER_SUBJECT) return { kind: "marker", epoch: (JSON.parse(new TextDecoder().decode(m.data)) as { epoch: number }).epoch };
    const relation = m.subject.slice(SIM_SUBJECT_PREFIX.length);
    if (!relations.has(relation)) return null;
    return { kind: "changes", term: 0, relation, changes: [decodeState(m.data) as Chunk] };
  },
};
