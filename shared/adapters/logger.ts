import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../domain/ports.ts';
import { redact } from '../domain/privacy.ts';

/** Powertools structured logger behind the Log port; every payload is redacted before it is written. */
export function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, fields) => logger.info(message, (redact(fields ?? {}) as Record<string, unknown>) ?? {}),
    warn: (message, fields) => logger.warn(message, (redact(fields ?? {}) as Record<string, unknown>) ?? {}),
    error: (message, fields) => logger.error(message, (redact(fields ?? {}) as Record<string, unknown>) ?? {}),
  };
}

/** Console logger for the local runtime and CLI, redacting like the cloud one. */
export function consoleLog(prefix = ''): Log {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    `${prefix}${level} ${message}${fields ? ` ${JSON.stringify(redact(fields))}` : ''}`;
  return {
    info: (m, f) => console.log(line('INFO', m, f)),
    warn: (m, f) => console.warn(line('WARN', m, f)),
    error: (m, f) => console.error(line('ERROR', m, f)),
  };
}

/** A logger that keeps lines in memory (tests, quiet local runs). */
export function memoryLog(): Log & { lines: { level: string; message: string; fields?: unknown }[] } {
  const lines: { level: string; message: string; fields?: unknown }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields: redact(fields) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields: redact(fields) }),
    error: (message, fields) => lines.push({ level: 'error', message, fields: redact(fields) }),
  };
}
