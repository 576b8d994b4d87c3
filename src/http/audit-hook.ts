import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleContext } from '../module-contract.js';
import type { AuditRecorder } from '../services/security/audit-log.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The action a write route performs, from its method and pattern: the literal segments joined by
 * dots, then `.delete` (DELETE), `.update` (PUT, PATCH), or for a POST `.create` when it goes to a
 * collection (a plural last segment) and nothing when the last segment names the action:
 * POST /databases → databases.create, POST /databases/:id/stop → databases.stop,
 * PUT /databases/:id/tls → databases.tls.update, DELETE /databases/:id/users/:name → databases.users.delete.
 */
export function actionOf(method: string, route: string): string {
  const segments = route.split('/').filter(Boolean);
  const base = segments.filter((s) => !s.startsWith(':')).join('.') || 'root';
  if (method === 'DELETE') return `${base}.delete`;
  if (method === 'PUT' || method === 'PATCH') return `${base}.update`;
  const last = segments.at(-1) ?? '';
  return !last.startsWith(':') && last.endsWith('s') ? `${base}.create` : base;
}

/** The instance a request is about: `:id` of a /databases/:id route, or the id a create answered with. */
function instanceOf(route: string, params: unknown, answer: () => unknown): number | null {
  const id = (params as { id?: unknown } | undefined)?.id;
  if (route.startsWith('/databases/:id') && typeof id === 'string' && /^[1-9][0-9]{0,9}$/.test(id)) return Number(id);
  if (route === '/databases') {
    const created = (answer() as { id?: unknown } | null)?.id;
    if (typeof created === 'number') return created;
  }
  return null;
}

/** What was asked: path parameters (but the instance id), query and body; a stream or bytes only by kind. */
function requestParams(request: FastifyRequest): Record<string, unknown> {
  const { id: _id, ...params } = (request.params ?? {}) as Record<string, unknown>;
  const body = request.body;
  const out: Record<string, unknown> = {};
  if (Object.keys(params).length) out.params = params;
  if (request.query && Object.keys(request.query).length) out.query = request.query;
  if (body !== undefined && body !== null) {
    out.body = Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function' ? '[binary body]' : body;
  }
  return out;
}

function jsonOf(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length > 1_000_000 || !payload.startsWith('{')) return null;
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

/**
 * Records every write request to the module's routes, whatever route it is (one added later
 * included), once its answer is decided and before it is sent: the caller's identity from the
 * host, the action, the instance, the parameters (the recorder removes secrets), the status and
 * error code, the address. A request without a valid identity (401) is not recorded: there is
 * nobody to name, and a flood of them must not fill the table. Registered before the routes.
 */
export function auditRequests(app: FastifyInstance, ctx: Pick<ModuleContext, 'identify'>, audit: AuditRecorder): void {
  const prefix = app.prefix;
  app.addHook('onSend', async (request, reply, payload) => {
    const pattern = request.routeOptions.url;
    if (!WRITES.has(request.method) || !pattern) return payload;
    const actor = ctx.identify(request);
    if (actor === null) return payload;
    const route = pattern.startsWith(prefix) ? pattern.slice(prefix.length) || '/' : pattern;
    const status = reply.statusCode;
    const answer = () => jsonOf(payload);
    const code = status >= 400 ? (answer() as { error?: unknown } | null)?.error : undefined;
    await audit.record({
      actor, source: 'api', action: actionOf(request.method, route), instanceId: instanceOf(route, request.params, answer),
      params: requestParams(request),
      outcome: status < 400 ? { ok: true, status } : { ok: false, status, code: typeof code === 'string' ? code : `HTTP_${status}` },
      address: request.ip, method: request.method, route, requestId: String(request.id),
    }).catch(() => undefined); // a recorder that fails never changes the answer (AuditLog logs it)
    return payload;
  });
}
