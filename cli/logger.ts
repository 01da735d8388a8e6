// Structured logs for `sage-sql serve`: pino, JSON lines on stderr, quiet by default (warn), the
// level set by system.log_level / SAGE_SYSTEM_LOG_LEVEL / --log-level (--verbose = info).

import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ level, base: { name: "sage-sql" }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true }));
}

/** The server's log events (event name + fields) as log lines: errors at warn, the rest at info. */
export function serverLogSink(logger: Logger): (event: string, fields: Record<string, unknown>) => void {
  return (event, fields) => {
    if (/error|fail/.test(event)) logger.warn({ event, ...fields });
    else logger.info({ event, ...fields });
  };
}
