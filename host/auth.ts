import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../src/config.js';
import type { Permission } from '../src/constants.js';
import type { ModuleContext, ModuleLogger, PermissionGuard } from '../src/module-contract.js';
import { CSRF_HEADER, ROLE_PERMISSIONS, type Role, type SessionStore } from './session.js';

export const TOKENS_FILE = 'host-tokens.json';

export interface HostTokens {
  admin: string;
  read: string;
  /** Where generated tokens are kept, when any were generated. */
  file: string | null;
}

const generate = () => randomBytes(32).toString('base64url');

/**
 * Tokens from FLUX_ADMIN_TOKEN / FLUX_READ_TOKEN; any not set is generated once and kept in
 * `<dataDir>/host-tokens.json` (0600), so a restart keeps working sessions. Tokens are never logged.
 */
export async function resolveTokens(config: Pick<Config, 'dataDir' | 'adminToken' | 'readToken'>, logger: ModuleLogger): Promise<HostTokens> {
  if (config.adminToken && config.readToken) return { admin: config.adminToken, read: config.readToken, file: null };
  const file = path.join(config.dataDir, TOKENS_FILE);
  let stored: { admin?: string; read?: string } = {};
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text !== null) {
    stored = JSON.parse(text) as typeof stored;
    if (((await stat(file)).mode & 0o077) !== 0) {
      await chmod(file, 0o600);
      logger.warn({ file }, 'token file was readable by others; mode reset to 0600');
    }
  }
  if (!stored.admin || !stored.read) {
    stored = { admin: stored.admin ?? generate(), read: stored.read ?? generate() };
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    logger.info({ file }, 'generated host API tokens');
  }
  return { admin: config.adminToken ?? stored.admin!, read: config.readToken ?? stored.read!, file };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

type Guards = Pick<ModuleContext, 'requirePermission' | 'requireAuthenticated' | 'hasPermission' | 'identify'>;
/** The guards, and which role a presented token holds (for opening a browser session). */
export type HostAuth = Guards & { roleOf(token: string): Role | null };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** `identity`: the audit trail's name for the caller (token:<role>, or session:<role>:<tag of the session id>). */
type Caller = { permissions: Permission[]; identity: string } | { refused: string; identity: string } | null;

/**
 * Bearer-token guards: the admin token holds read and write, the read token only read. With a
 * session store, a request without an Authorization header may instead carry a browser session's
 * cookie; its writes must also carry the session's CSRF token (403 otherwise).
 */
export function createAuth(tokens: Pick<HostTokens, 'admin' | 'read'>, sessions?: SessionStore): HostAuth {
  // Hashing both sides gives equal lengths, so timingSafeEqual never leaks the length either.
  const grants = [
    { hash: digest(tokens.admin), role: 'admin' as Role },
    { hash: digest(tokens.read), role: 'read' as Role },
  ];
  const roleOf = (token: string): Role | null => {
    const presented = digest(token);
    let found: Role | null = null;
    for (const g of grants) if (timingSafeEqual(g.hash, presented)) found ??= g.role;
    return found;
  };
  const caller = (request: FastifyRequest): Caller => {
    const header = request.headers.authorization;
    // A request that names a token is judged by it alone, never by a cookie beside it.
    if (header !== undefined || !sessions) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      const role = m ? roleOf(m[1]!) : null;
      return role ? { permissions: ROLE_PERMISSIONS[role], identity: `token:${role}` } : null;
    }
    const found = sessions.fromRequest(request);
    if (!found) return null;
    // A digest of the session id tells sessions apart without being usable as the cookie.
    const identity = `session:${found.session.role}:${digest(`audit:${found.id}`).toString('hex').slice(0, 12)}`;
    if (!SAFE_METHODS.has(request.method) && !sessions.csrfMatches(found.session, request.headers[CSRF_HEADER])) {
      return { refused: `a write from a browser session needs its ${CSRF_HEADER} header`, identity };
    }
    return { permissions: found.session.permissions, identity };
  };
  const unauthorized = (reply: FastifyReply) =>
    reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
  const forbidden = (reply: FastifyReply, message: string) => reply.code(403).send({ error: 'FORBIDDEN', message });

  return {
    roleOf,
    // Each refusal returns the reply: an async hook that replies must, or Fastify runs the handler
    // anyway whenever the answer is not written yet (an async onSend hook is still at work).
    requireAuthenticated: async (request, reply) => {
      const held = caller(request);
      if (!held) return unauthorized(reply);
      if ('refused' in held) return forbidden(reply, held.refused);
    },
    requirePermission(name: Permission): PermissionGuard {
      return async (request, reply) => {
        const held = caller(request);
        if (!held) return unauthorized(reply);
        if ('refused' in held) return forbidden(reply, held.refused);
        if (!held.permissions.includes(name)) return forbidden(reply, `this token lacks the ${name} permission`);
      };
    },
    hasPermission: (request, name) => {
      const held = caller(request);
      return !!held && 'permissions' in held && held.permissions.includes(name);
    },
    identify: (request) => caller(request)?.identity ?? null,
  };
}
