import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, ModuleError, type ErrorCode } from '../errors.js';
import type { ModuleLogger } from '../module-contract.js';

interface ValidationIssue { instancePath?: string; message?: string; params?: Record<string, unknown> }

/** Fastify's own 4xx (bad JSON, a body too large, a wrong content type) answer with the catalogue's first code of that status. */
const codeOf = (status: number): ErrorCode =>
  (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).find((c) => ERROR_CATALOGUE[c].status === status) ?? 'BAD_REQUEST';

/** "params.id must match pattern ..." — names the field the client got wrong. */
function validationMessage(error: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }): string {
  const where = error.validationContext ?? 'request';
  const parts = (error.validation ?? []).slice(0, 3).map((v) => {
    const field = (v.instancePath ?? '').split('/').filter(Boolean).join('.');
    return `${field ? `${where}.${field}` : where} ${v.message ?? 'is invalid'}`;
  });
  return parts.length ? parts.join('; ') : error.message;
}

/**
 * The module's one error handler: coded errors keep their status and message, validation
 * errors become 400 naming the field, anything else unexpected is logged and answered as a
 * bare 500 so no internal detail (paths, SQL, stack) reaches the client.
 */
export function errorHandler(logger: ModuleLogger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ModuleError) {
      if (error.statusCode >= 500) logger.error({ reqId: request.id, code: error.code, err: error.message, cause: String(error.cause ?? '') }, 'request failed');
      // INTERNAL carries whatever failed underneath (Podman's text, SQL, paths): it stays in the log.
      const message = error.code === 'INTERNAL' ? internalMessage(request) : error.message;
      return reply.code(error.statusCode).send({ error: error.code, message });
    }
    if ((error as { validation?: unknown }).validation) {
      return reply.code(400).send({ error: 'BAD_REQUEST', message: validationMessage(error) });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: codeOf(status), message: error.message });
    }
    logger.error({ reqId: request.id, err: error.message, stack: error.stack }, 'unexpected error');
    return reply.code(500).send({ error: 'INTERNAL', message: internalMessage(request) });
  };
}

const internalMessage = (request: FastifyRequest) => `Internal error (request ${request.id}); the server log has the detail`;
