// What stops a running statement: the client's cancel request (an AbortSignal the server aborts)
// or the session's statement_timeout. The executor asks between chunks (ExecutionContext.cancelled)
// and throws 57014 with the reason.

/** The check for one statement starting now; undefined when nothing can interrupt it. */
export function statementInterrupt(signal: AbortSignal | undefined, timeoutMs: number): (() => boolean | string) | undefined {
  if (signal === undefined && !(timeoutMs > 0)) return undefined;
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  return () => (signal?.aborted ? true : Date.now() >= deadline ? "statement timeout" : false);
}
