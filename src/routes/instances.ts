import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { IdParams, MessageBody, route } from '../http/schemas/common.js';
import {
  ActionResult, CreateAccepted, CreateInstanceBody, DeleteQuery, InstanceList, InstanceView, OrphanParams, ReconcileReport,
} from '../http/schemas/instances.js';
import { instanceView } from '../http/views/instance-view.js';
import type { RouteOptions } from './route-options.js';

const tag = 'instances';
const PAST = { start: 'started', stop: 'stopped', restart: 'restarted' } as const;

export const instanceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);
  const { instances, reconciler } = services;

  app.get('/databases', {
    onRequest: read, schema: route(tag, 'List instances (no secrets)', { response: { 200: InstanceList } }, [403]),
  }, async () => (await instances.list()).map(instanceView));

  app.post('/databases', {
    onRequest: write,
    schema: route(tag, 'Create an instance (answers at once; the row shows progress)', { body: CreateInstanceBody, response: { 202: CreateAccepted } }, [403, 409, 503]),
  }, async (request, reply) => {
    const row = await instances.create(request.body);
    return reply.code(202).send({
      id: row.id, name: row.name, container_name: row.container_name, status: row.status,
      message: 'Database instance is being created', instance: instanceView(row),
    });
  });

  app.get('/databases/:id', {
    onRequest: read, schema: route(tag, 'One instance', { params: IdParams, response: { 200: InstanceView } }, [403, 404]),
  }, async (request) => instanceView(await instances.get(Number(request.params.id))));

  app.delete('/databases/:id', {
    onRequest: write,
    schema: route(tag, 'Delete an instance: container, volumes (unless keep_data), port and IP; safe to repeat',
      { params: IdParams, querystring: DeleteQuery, response: { 200: MessageBody } }, [403, 404, 409, 503]),
  }, async (request) => {
    await instances.delete(Number(request.params.id), { keepData: request.query.keep_data });
    return { message: request.query.keep_data ? 'Database deleted; its data directory was kept' : 'Database deleted successfully' };
  });

  for (const action of ['start', 'stop', 'restart'] as const) {
    app.post(`/databases/:id/${action}`, {
      onRequest: write,
      schema: route(tag, `${action[0]!.toUpperCase()}${action.slice(1)} an instance and wait for the real outcome`,
        { params: IdParams, response: { 200: ActionResult } }, [403, 404, 409, 502, 503]),
    }, async (request) => {
      const row = await instances[action](Number(request.params.id));
      return { message: `Database ${PAST[action]} successfully`, instance: instanceView(row) };
    });
  }

  // Reconciliation: what the module's rows and its labelled containers disagree on.
  app.post('/reconcile', {
    onRequest: write, schema: route(tag, 'Compare rows with labelled containers now; lists orphans', { response: { 200: ReconcileReport } }, [403, 503]),
  }, async () => reconciler.run());
  app.delete('/orphans/:name', {
    onRequest: write,
    schema: route(tag, 'Remove a labelled container that has no row', { params: OrphanParams, response: { 200: MessageBody } }, [403, 404, 409, 503]),
  }, async (request) => {
    await reconciler.removeOrphan(request.params.name);
    return { message: `Removed orphan container ${request.params.name}` };
  });
};
