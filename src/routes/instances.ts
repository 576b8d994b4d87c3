import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { CreateInstanceBody, DeleteQuery, OrphanParams } from '../http/instance-schemas.js';
import { IdParams } from '../http/schemas.js';
import { instanceView } from '../http/views/instance-view.js';
import type { RouteOptions } from './route-options.js';

export const instanceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);
  const { instances, reconciler } = services;

  app.get('/databases', { onRequest: read }, async () => (await instances.list()).map(instanceView));

  app.post('/databases', { onRequest: write, schema: { body: CreateInstanceBody } }, async (request, reply) => {
    const row = await instances.create(request.body);
    return reply.code(202).send({
      id: row.id, name: row.name, container_name: row.container_name, status: row.status,
      message: 'Database instance is being created', instance: instanceView(row),
    });
  });

  app.get('/databases/:id', { onRequest: read, schema: { params: IdParams } }, async (request) =>
    instanceView(await instances.get(Number(request.params.id))));

  app.delete('/databases/:id', { onRequest: write, schema: { params: IdParams, querystring: DeleteQuery } }, async (request) => {
    await instances.delete(Number(request.params.id), { keepData: request.query.keep_data });
    return { message: request.query.keep_data ? 'Database deleted; its data directory was kept' : 'Database deleted successfully' };
  });

  for (const action of ['start', 'stop', 'restart'] as const) {
    app.post(`/databases/:id/${action}`, { onRequest: write, schema: { params: IdParams } }, async (request) => {
      const row = await instances[action](Number(request.params.id));
      return { message: `Database ${action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted'} successfully`, instance: instanceView(row) };
    });
  }

  // Reconciliation: what the module's rows and its labelled containers disagree on.
  app.post('/reconcile', { onRequest: write }, async () => reconciler.run());
  app.delete('/orphans/:name', { onRequest: write, schema: { params: OrphanParams } }, async (request) => {
    await reconciler.removeOrphan(request.params.name);
    return { message: `Removed orphan container ${request.params.name}` };
  });
};
