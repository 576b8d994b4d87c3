/**
 * Every error code the module answers with, and its HTTP status, defined once. Services throw
 * `ModuleError`s by code; one handler (src/http/error-handler.ts) turns them into
 * `{ error, message }` and hides the detail of any 5xx. The README lists this catalogue.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, meaning: 'a field, name, path or id failed validation; nothing changed' },
  UNAUTHORIZED: { status: 401, meaning: 'no valid bearer token (answered by the host)' },
  FORBIDDEN: { status: 403, meaning: 'the token lacks the route\'s permission (answered by the host)' },
  NOT_FOUND: { status: 404, meaning: 'no such instance, snapshot, route or orphan' },
  CONFLICT: { status: 409, meaning: 'the request clashes with the current state (name taken, wrong status)' },
  INSTANCE_BUSY: { status: 409, meaning: 'another operation on the instance is under way' },
  KEPT_DATA_EXISTS: { status: 409, meaning: 'a deleted instance\'s kept data uses this name' },
  CONTAINER_MISSING: { status: 409, meaning: 'the instance\'s container is gone' },
  FOREIGN_CONTAINER: { status: 409, meaning: 'a container of that name was not created by this installation' },
  CREDENTIALS_MISSING: { status: 409, meaning: 'the instance has no stored credentials' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'the request body is larger than the host accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'a request body that is not application/json' },
  NOT_IMPLEMENTED: { status: 501, meaning: 'the operation is not offered (yet) for this engine or module' },
  INTERNAL: { status: 500, meaning: 'an unexpected failure; the server log has the detail' },
  ACTION_FAILED: { status: 502, meaning: 'the engine did not come back from start, stop or restart; the row says why' },
  ENGINE_QUERY_FAILED: { status: 502, meaning: 'the engine could not be reached or refused the data browser\'s read-only query (a view that writes, the statement timeout); the message says why' },
  BACKUP_FAILED: { status: 502, meaning: 'a snapshot the request needed did not complete (the tool failed, the disk is full); the snapshot row says why' },
  PORTS_EXHAUSTED: { status: 503, meaning: 'no free host port in FLUX_DATABASES_PORT_RANGE' },
  VNET_EXHAUSTED: { status: 503, meaning: 'no free address on the VNet' },
  NETWORKS_EXHAUSTED: { status: 503, meaning: 'no free subnet left in the pool of per-instance networks' },
  PODMAN_UNAVAILABLE: { status: 503, meaning: 'the Podman API cannot be reached' },
  PODMAN_TIMEOUT: { status: 503, meaning: 'the Podman API did not answer in time' },
  IMAGE_NOT_FOUND: { status: 404, meaning: 'the registry has no such image or tag (a failed create says which)' },
  REGISTRY_UNREACHABLE: { status: 502, meaning: 'the image\'s registry cannot be reached (connection refused, DNS, TLS)' },
  REGISTRY_AUTH_FAILED: { status: 502, meaning: 'the registry wants credentials that are not configured, or refused them' },
  PULL_TIMEOUT: { status: 503, meaning: 'an image pull did not finish within FLUX_DATABASES_PULL_TIMEOUT_S' },
  ENGINE_REFUSED: { status: 502, meaning: 'the engine refused a password, user, database or certificate change, or could not be reached; the message says what changed and what did not' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class ModuleError extends Error {
  readonly statusCode: number;

  constructor(readonly code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModuleError';
    this.statusCode = ERROR_CATALOGUE[code].status;
  }
}

/**
 * An adapter refusing its input (a name the engine forbids, a SKU below its minimum, a version
 * it does not know). The only adapter failure that reaches a client as a 400; anything else an
 * adapter throws is a 500 whose detail stays in the log.
 */
export class AdapterInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterInputError';
  }
}

export const badRequest = (message: string, cause?: unknown) => new ModuleError('BAD_REQUEST', message, { cause });
export const notFound = (message: string) => new ModuleError('NOT_FOUND', message);
export const conflict = (message: string) => new ModuleError('CONFLICT', message);
export const notImplemented = (message: string) => new ModuleError('NOT_IMPLEMENTED', message);
export const internal = (message: string, cause?: unknown) => new ModuleError('INTERNAL', message, { cause });

/** An adapter's input error as a 400; any other error passes through unchanged (and becomes a 500). */
export function fromAdapter(err: unknown): unknown {
  return err instanceof AdapterInputError ? badRequest(err.message, err) : err;
}
