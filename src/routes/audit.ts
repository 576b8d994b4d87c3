import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { AuditList, AuditQuery } from '../http/schemas/audit.js';
import { route } from '../http/schemas/common.js';
import { auditView } from '../http/views/security-views.js';
import type { RouteOptions } from './route-options.js';

/** GET /audit: the audit trail, newest first, by instance, action and time; `before` pages on. */
export const auditRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  app.get('/audit', {
    onRequest: ctx.requirePermission(PERMISSIONS.read),
    schema: route('security', 'The audit trail: who did what to which instance, when, with which outcome (never a secret)',
      { querystring: AuditQuery, response: { 200: AuditList } }, [403]),
  }, async (request) => {
    const q = request.query;
    const rows = await services.audit.list({
      instanceId: q.instance === undefined ? undefined : Number(q.instance), action: q.action,
      since: q.since === undefined ? undefined : new Date(q.since * 1000), beforeId: q.before, limit: q.limit ?? 100,
    });
    return rows.map(auditView);
  });
};
