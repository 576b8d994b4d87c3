import { ModuleError, internal } from '../../errors.js';

/** HTTP status Podman answered with (docker-modem puts it on the error), or null for socket errors. */
export function podmanStatus(err: unknown): number | null {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
}

export const isNotFound = (err: unknown): boolean => podmanStatus(err) === 404;

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE']);

/** The request's abort signal fired (PodmanRuntime's per-request timeout) or the socket timed out. */
export function isTimeout(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'ABORT_ERR' || e?.code === 'ETIMEDOUT';
}

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
  if (isTimeout(err)) return new ModuleError('PODMAN_TIMEOUT', `${operation} ${target}: Podman did not answer in time`, { cause: err });
  const sysCode = (err as { code?: unknown } | null)?.code;
  if (status === null && typeof sysCode === 'string' && SOCKET_ERRORS.has(sysCode)) {
    return new ModuleError('PODMAN_UNAVAILABLE', `${message} (is the Podman API socket up?)`, { cause: err });
  }
  return internal(message, err);
}
