import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { IdParams, route } from '../http/schemas/common.js';
import { HealthView, InspectView, LogsQuery, LogsView, MetricsView, RangeQuery, StatsView } from '../http/schemas/monitoring.js';
import type { RouteOptions } from './route-options.js';

const tag = 'monitoring';

export const monitoringRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const { instances } = services;
  const views = instances.reads;
  const row = (id: string) => instances.get(Number(id));
  // An embedded instance has no container: stats and inspect answer 409 for it.
  const containerErrors = [403, 404, 409, 503] as const;

  app.get('/databases/:id/logs', {
    onRequest: read,
    schema: route(tag, 'Log lines with levels parsed per engine', { params: IdParams, querystring: LogsQuery, response: { 200: LogsView } }, [...containerErrors]),
  }, async (request) =>
    views.logs(await row(request.params.id), {
      tail: request.query.lines ?? 200, level: request.query.level,
      since: request.query.since === undefined ? undefined : new Date(request.query.since * 1000),
    }));
  app.get('/databases/:id/metrics', {
    onRequest: read,
    schema: route(tag, 'The latest sample and each figure over the range (container, volume, engine), with units', { params: IdParams, querystring: RangeQuery, response: { 200: MetricsView } }, [403, 404]),
  }, async (request) => services.metrics.report(await row(request.params.id), request.query.range ?? '24h'));
  app.get('/databases/:id/stats', {
    onRequest: read, schema: route(tag, 'Podman stats of the container, now', { params: IdParams, response: { 200: StatsView } }, [...containerErrors]),
  }, async (request) => views.stats(await row(request.params.id)));
  app.get('/databases/:id/inspect', {
    onRequest: read,
    schema: route(tag, 'Container facts and enforced limits, no env values', { params: IdParams, response: { 200: InspectView } }, [...containerErrors]),
  }, async (request) => views.inspect(await row(request.params.id)));
  app.get('/databases/:id/health', {
    onRequest: read,
    schema: route(tag, 'Health now, uptime over 24 h, 7 d and 30 d, history and status changes', { params: IdParams, querystring: RangeQuery, response: { 200: HealthView } }, [403, 404]),
  }, async (request) => services.health.report(await row(request.params.id), request.query.range ?? '24h'));
};
