// Checkpointable state: the codec (state to bytes and back) and the snapshot/restore of objects
// that declare `stateFields`.
export { encodeState, decodeState, registerStateClasses, registerStateSymbol, StateEncodeError, HOLE } from "./state-codec.js";
export { snapshotObjects, restoreObjects, captureFields, restoreFields, type HasState } from "./operator-state.js";
export { nextChainLink, restoredChain, deltaRowCount, encodeDelta, decodeDelta, MAX_TABLE_CHAIN, type TableChain, type ChainLink, type StoredDelta } from "./table-chain.js";
export { restoreInto, newRestoreMemo, type RestoreMemo } from "./restore-into.js";
import "./state-classes.js";
