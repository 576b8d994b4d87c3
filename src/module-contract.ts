import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import type { Permission } from './constants.js';

/** Minimal structured logger; pino (Fastify's logger) satisfies it. Never pass secrets to it. */
export interface ModuleLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): ModuleLogger;
}

/** An onRequest guard; when it refuses it returns the reply it sent, so Fastify never runs the handler. */
export type PermissionGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | void>;

/**
 * Everything the module needs from its Flux host, and nothing more.
 * The host builds one and passes it to `databasesPlugin` and to the hooks.
 */
export interface ModuleContext {
  /** Kysely handle on the host's store (PostgreSQL or PGlite); migrations already applied. */
  db: Kysely<Database>;
  /**
   * Route guard: resolves when the caller holds `name`, otherwise replies 401 (no or bad token)
   * or 403 (valid token without the permission). Used as a Fastify `onRequest` hook, so it runs
   * before any validation (no 400 leaks to an unauthenticated caller).
   */
  requirePermission(name: Permission): PermissionGuard;
  /** Guard for routes the seed gives no permission: still needs a valid token (401 otherwise). */
  requireAuthenticated: PermissionGuard;
  /** Whether the authenticated caller of `request` holds `name` (for fields only writers see). */
  hasPermission(request: FastifyRequest, name: Permission): boolean;
  /**
   * Who is calling, as the audit trail records it: a stable name of the token or browser session
   * the request was authenticated with (never the token itself), or null when it carries none
   * that is valid.
   */
  identify(request: FastifyRequest): string | null;
  logger: ModuleLogger;
  /** The module's own data directory (containers, backups, logs, tls live below it). */
  dataDir: string;
  config: Config;
}
