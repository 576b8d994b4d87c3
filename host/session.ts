import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PERMISSIONS, type Permission } from '../src/constants.js';

/** The browser session's cookie: an opaque id, never the token it was opened with. */
export const SESSION_COOKIE = 'flux_session';
/** The header a browser session's writes carry (the double-submit half the cookie cannot give). */
export const CSRF_HEADER = 'x-csrf-token';

export type Role = 'admin' | 'read';
export const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  admin: [PERMISSIONS.read, PERMISSIONS.write],
  read: [PERMISSIONS.read],
};

/** One signed-in browser. */
export interface Session {
  role: Role;
  permissions: Permission[];
  /** Sent back by the page on every write; the cookie alone never authorises one. */
  csrf: string;
  expiresAt: number;
}

export interface SessionStoreOptions {
  /** How long a session lasts from sign-in; default 12 h. */
  ttlMs?: number;
  /** How long a sign-in link stays valid; default 15 min. */
  linkTtlMs?: number;
  /** At most this many live sessions; the oldest goes first. */
  maxSessions?: number;
  now?: () => number;
}

const secret = () => randomBytes(32).toString('base64url');
// Keys are digests: the map never holds a cookie value someone could reuse from a heap dump.
const key = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Browser sessions of the host stand-in, in memory (a restart signs everyone out), and one-time
 * sign-in links: a short-lived code that opens an admin session once, so that `npm start` can
 * print a link that holds no long-lived token.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly links = new Map<string, { role: Role; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly linkTtlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.linkTtlMs = options.linkTtlMs ?? 15 * 60_000;
    this.maxSessions = options.maxSessions ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session; returns the cookie value (the id) and the session. */
  open(role: Role): { id: string; session: Session } {
    const id = secret();
    const session: Session = { role, permissions: ROLE_PERMISSIONS[role], csrf: secret(), expiresAt: this.now() + this.ttlMs };
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(key(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, or null (unknown or expired). */
  find(id: string | null): Session | null {
    if (!id) return null;
    const k = key(id);
    const s = this.sessions.get(k);
    if (!s) return null;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(k);
      return null;
    }
    return s;
  }

  close(id: string | null): void {
    if (id) this.sessions.delete(key(id));
  }

  /** The request's session, from its cookie. */
  fromRequest(request: FastifyRequest): { id: string; session: Session } | null {
    const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const session = this.find(id);
    return id && session ? { id, session } : null;
  }

  /** Whether a write of this session carries its CSRF token. */
  csrfMatches(session: Session, header: string | string[] | undefined): boolean {
    if (typeof header !== 'string' || header.length === 0) return false;
    return timingSafeEqual(createHash('sha256').update(header).digest(), createHash('sha256').update(session.csrf).digest());
  }

  /** A one-time sign-in code for `role`, valid for the link lifetime. */
  issueLink(role: Role = 'admin'): string {
    const code = secret();
    this.links.set(key(code), { role, expiresAt: this.now() + this.linkTtlMs });
    return code;
  }

  /** The role a code grants, once; null when unknown, used or expired. */
  redeemLink(code: string): Role | null {
    const k = key(code);
    const link = this.links.get(k);
    this.links.delete(k);
    return link && link.expiresAt > this.now() ? link.role : null;
  }
}

/** One cookie's value from a Cookie header (RFC 6265 pairs separated by `;`). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** Set-Cookie for a session: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function sessionCookie(id: string, maxAgeS: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeS}`, ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
