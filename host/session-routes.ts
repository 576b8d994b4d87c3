import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HostAuth } from './auth.js';
import { clearedSessionCookie, CSRF_HEADER, sessionCookie, type Session, type SessionStore } from './session.js';

/** Where the host answers for browser sessions (outside the module's mount path). */
export const SESSION_PATH = '/api/session';

const SignInBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 512 },
    code: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

/** What the page learns of its session: the role, its permissions and the CSRF token for writes. */
function view(session: Session) {
  return {
    role: session.role,
    permissions: session.permissions,
    csrf_token: session.csrf,
    expires_at: new Date(session.expiresAt).toISOString(),
  };
}

const unauthorized = (reply: FastifyReply, message: string) => reply.code(401).send({ error: 'UNAUTHORIZED', message });
const secure = (request: FastifyRequest) => request.protocol === 'https';

/**
 * Sign-in for the UI: the operator pastes a token (or the page redeems a one-time code from the
 * link `npm start` prints) and gets an HttpOnly, SameSite=Strict session cookie. The token itself
 * is never stored in the browser. API clients keep using bearer tokens.
 */
export function registerSessionRoutes(app: FastifyInstance, auth: Pick<HostAuth, 'roleOf'>, sessions: SessionStore): void {
  // Never cached: the answer carries the session's CSRF token.
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get(SESSION_PATH, async (request, reply) => {
    noStore(reply);
    const found = sessions.fromRequest(request);
    return found ? view(found.session) : unauthorized(reply, 'not signed in');
  });

  app.post<{ Body: { token?: string; code?: string } }>(SESSION_PATH, { schema: { body: SignInBody } }, async (request, reply) => {
    noStore(reply);
    const { token, code } = request.body;
    if ((token === undefined) === (code === undefined)) {
      return reply.code(400).send({ error: 'BAD_REQUEST', message: 'send either token or code' });
    }
    const role = token !== undefined ? auth.roleOf(token) : sessions.redeemLink(code!);
    if (!role) return unauthorized(reply, token !== undefined ? 'that token is not valid' : 'that sign-in link was used already or has expired');
    // A new id at every sign-in: a cookie planted before it is worth nothing after.
    sessions.close(sessions.fromRequest(request)?.id ?? null);
    const { id, session } = sessions.open(role);
    reply.header('set-cookie', sessionCookie(id, Math.floor((session.expiresAt - Date.now()) / 1000), secure(request)));
    return view(session);
  });

  app.delete(SESSION_PATH, async (request, reply) => {
    noStore(reply);
    const found = sessions.fromRequest(request);
    if (found && !sessions.csrfMatches(found.session, request.headers[CSRF_HEADER])) {
      return reply.code(403).send({ error: 'FORBIDDEN', message: `signing out needs the session's ${CSRF_HEADER} header` });
    }
    sessions.close(found?.id ?? null);
    reply.header('set-cookie', clearedSessionCookie(secure(request)));
    return { message: 'signed out' };
  });
}
