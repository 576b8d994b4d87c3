/**
 * Coded errors with their HTTP status, defined once. Routes throw these; one handler
 * (see src/plugin.ts) turns them into `{ error, message }` and hides the detail of 5xx.
 */
export class ModuleError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModuleError';
  }
}

export const badRequest = (message: string, cause?: unknown) => new ModuleError('BAD_REQUEST', 400, message, { cause });
export const notFound = (message: string) => new ModuleError('NOT_FOUND', 404, message);
export const conflict = (message: string) => new ModuleError('CONFLICT', 409, message);
export const notImplemented = (message: string) => new ModuleError('NOT_IMPLEMENTED', 501, message);
export const unavailable = (message: string, cause?: unknown) => new ModuleError('UNAVAILABLE', 503, message, { cause });
export const internal = (message: string, cause?: unknown) => new ModuleError('INTERNAL', 500, message, { cause });
