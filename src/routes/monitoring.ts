import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { notImplemented } from '../errors.js';
import { IdParams, LogsQuery, MetricsQuery } from '../http/schemas.js';
import type { RouteOptions } from './route-options.js';

const later = () => { throw notImplemented('Metrics history and health checks arrive with the scheduler issue'); };

export const monitoringRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const { instances } = services;
  const views = instances.reads;
  const row = (id: string) => instances.get(Number(id));

  app.get('/databases/:id/logs', { onRequest: read, schema: { params: IdParams, querystring: LogsQuery } }, async (request) =>
    views.logs(await row(request.params.id), {
      tail: request.query.lines ?? 200, level: request.query.level,
      since: request.query.since === undefined ? undefined : new Date(request.query.since * 1000),
    }));
  app.get('/databases/:id/metrics', { onRequest: read, schema: { params: IdParams, querystring: MetricsQuery } }, later);
  app.get('/databases/:id/stats', { onRequest: read, schema: { params: IdParams } }, async (request) => views.stats(await row(request.params.id)));
  app.get('/databases/:id/inspect', { onRequest: read, schema: { params: IdParams } }, async (request) => views.inspect(await row(request.params.id)));
  app.get('/databases/:id/health', { onRequest: read, schema: { params: IdParams } }, later);
};
