import type { ModuleLogger } from '../../src/module-contract.js';

/** A logger that keeps what it was given, so tests can assert no secret reached it. */
export function memoryLogger(lines: string[] = []): ModuleLogger & { lines: string[] } {
  const log = (level: string) => (obj: object | string, msg?: string) => {
    lines.push(`${level} ${typeof obj === 'string' ? obj : JSON.stringify(obj)} ${msg ?? ''}`);
  };
  const logger = {
    lines,
    info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'),
    child: () => logger,
  };
  return logger;
}
