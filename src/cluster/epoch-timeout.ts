// How long the leader lets an epoch go uncommitted before it starts a new generation. A fixed limit
// can livelock: every new generation restores the last commit and replays the input after it, and
// the longer commits fail the more there is to replay, so once restore + replay + one epoch takes
// longer than the limit, no generation ever commits again. So the limit doubles with each
// generation that timed out while no view's commit advanced (up to a cap), and is back to the base
// once the oldest committed epoch moves. Only liveness depends on it: a late or early new generation
// restores from a commit like any other.

/** at most 2^4 = 16 times the configured timeout */
const MAX_DOUBLINGS = 4;

export class EpochTimeout {
  /** generations that timed out since the oldest committed epoch last advanced */
  private stalled = 0;
  private oldestCommitted = -1;

  constructor(private readonly baseMs: number) {}

  /** the limit in force, given the oldest committed epoch of the views now */
  limitMs(oldestCommitted: number): number {
    // (no views: Infinity, which is no progress of any view)
    if (Number.isFinite(oldestCommitted) && oldestCommitted > this.oldestCommitted) {
      this.oldestCommitted = oldestCommitted;
      this.stalled = 0;
    }
    return this.baseMs * 2 ** Math.min(this.stalled, MAX_DOUBLINGS);
  }

  /** an epoch timed out: the generation it belonged to is replaced */
  timedOut(): void {
    this.stalled++;
  }
}
