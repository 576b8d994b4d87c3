import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { notImplemented } from '../errors.js';
import { IdParams, LogsQuery, MetricsQuery } from '../http/schemas.js';
import type { RouteOptions } from './route-options.js';

const later = () => { throw notImplemented('Monitoring arrives with the monitoring issue'); };

export const monitoringRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);

  app.get('/databases/:id/logs', { onRequest: read, schema: { params: IdParams, querystring: LogsQuery } }, later);
  app.get('/databases/:id/metrics', { onRequest: read, schema: { params: IdParams, querystring: MetricsQuery } }, later);
  app.get('/databases/:id/stats', { onRequest: read, schema: { params: IdParams } }, later);
  app.get('/databases/:id/inspect', { onRequest: read, schema: { params: IdParams } }, later);
  app.get('/databases/:id/health', { onRequest: read, schema: { params: IdParams } }, later);
};
