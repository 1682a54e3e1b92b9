import { createLogger, type Logger } from '../../src';

/** A logger that keeps its JSON lines, so tests can check what was logged. */
export function captureLogs(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}
