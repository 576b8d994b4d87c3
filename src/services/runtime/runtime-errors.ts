import { ModuleError, internal } from '../../errors.js';

/** HTTP status Podman answered with (docker-modem puts it on the error), or null for socket errors. */
export function podmanStatus(err: unknown): number | null {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
}

export const isNotFound = (err: unknown): boolean => podmanStatus(err) === 404;

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE']);

/**
 * Wraps a Podman failure with the operation and target in the message and the original as cause.
 * Podman's own text (e.g. "runc create failed: ...") is kept because it is what an operator needs.
 */
export function runtimeError(operation: string, target: string, err: unknown): ModuleError {
  if (err instanceof ModuleError) return err;
  const detail = err instanceof Error ? err.message.replace(/^\(HTTP code \d+\)\s*/, '').trim() : String(err);
  const message = `${operation} ${target} failed: ${detail}`;
  const status = podmanStatus(err);
  if (status === 404) return new ModuleError('NOT_FOUND', message, { cause: err });
  if (status === 409) return new ModuleError('CONFLICT', message, { cause: err });
  const sysCode = (err as { code?: unknown } | null)?.code;
  if (status === null && typeof sysCode === 'string' && SOCKET_ERRORS.has(sysCode)) {
    return new ModuleError('PODMAN_UNAVAILABLE', `${message} (is the Podman API socket up?)`, { cause: err });
  }
  return internal(message, err);
}
