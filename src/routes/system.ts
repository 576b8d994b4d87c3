import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { listEngines, listSkus } from '../http/views/catalog.js';
import type { RouteOptions } from './route-options.js';

/** Module status, host requirements and Podman: read from the host on every call. */
export const systemRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const authenticated = { onRequest: ctx.requireAuthenticated };

  app.get('/status', authenticated, async () => services.system.status());
  app.get('/requirements', authenticated, async () => services.system.requirements());
  app.get('/system-info', authenticated, async () => services.system.systemInfo());
  app.get('/podman/status', authenticated, async () => services.podman.status());
  app.post('/podman/install', { onRequest: ctx.requirePermission(PERMISSIONS.write) }, async (_req, reply) => {
    const result = await services.podman.install();
    if (!result.accepted) return reply.code(409).send({ error: 'CONFLICT', message: result.reason, commands: result.commands });
    return reply.code(202).send({ job_id: result.job.id, status_url: 'podman/status', install: result.job });
  });
  app.get('/engines', authenticated, async () => listEngines());
  app.get('/skus', authenticated, async () => listSkus());
};
