import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../src/config.js';
import { PERMISSIONS, type Permission } from '../src/constants.js';
import type { ModuleContext, ModuleLogger, PermissionGuard } from '../src/module-contract.js';

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

type Guards = Pick<ModuleContext, 'requirePermission' | 'requireAuthenticated' | 'hasPermission'>;

/** Bearer-token guards: the admin token holds read and write, the read token only read. */
export function createAuth(tokens: Pick<HostTokens, 'admin' | 'read'>): Guards {
  // Hashing both sides gives equal lengths, so timingSafeEqual never leaks the length either.
  const grants = [
    { hash: digest(tokens.admin), permissions: [PERMISSIONS.read, PERMISSIONS.write] as Permission[] },
    { hash: digest(tokens.read), permissions: [PERMISSIONS.read] as Permission[] },
  ];
  const principal = (request: FastifyRequest): Permission[] | null => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!m) return null;
    const presented = digest(m[1]!);
    let found: Permission[] | null = null;
    for (const g of grants) if (timingSafeEqual(g.hash, presented)) found ??= g.permissions;
    return found;
  };
  const unauthorized = (reply: FastifyReply) =>
    reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'UNAUTHORIZED', message: 'a valid bearer token is required' });

  return {
    requireAuthenticated: async (request, reply) => {
      if (!principal(request)) unauthorized(reply);
    },
    requirePermission(name: Permission): PermissionGuard {
      return async (request, reply) => {
        const held = principal(request);
        if (!held) unauthorized(reply);
        else if (!held.includes(name)) reply.code(403).send({ error: 'FORBIDDEN', message: `this token lacks the ${name} permission` });
      };
    },
    hasPermission: (request, name) => principal(request)?.includes(name) ?? false,
  };
}
