import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { PERMISSIONS } from '../constants.js';
import { AlertList, AlertRulesBody, AlertRulesView, AlertsQuery, PrometheusText } from '../http/schemas/alerts.js';
import { IdParams, route } from '../http/schemas/common.js';
import type { RouteOptions } from './route-options.js';

const tag = 'monitoring';

/** GET /alerts, the per-instance alert rules, and GET /metrics for Prometheus. */
export const alertRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);
  const { alerts, instances, prometheus } = services;

  app.get('/alerts', {
    onRequest: read,
    schema: route(tag, 'Alerts, newest first: by state, instance, since a time', { querystring: AlertsQuery, response: { 200: AlertList } }, [403]),
  }, async (request) => {
    const q = request.query;
    return alerts.list({
      state: q.state, instanceId: q.instance === undefined ? undefined : Number(q.instance),
      since: q.since === undefined ? undefined : new Date(q.since * 1000), limit: q.limit ?? 100,
    });
  });

  app.get('/databases/:id/alert-rules', {
    onRequest: read,
    schema: route(tag, 'The alert rules as they apply to the instance, and its overrides', { params: IdParams, response: { 200: AlertRulesView } }, [403, 404]),
  }, async (request) => alerts.rules(await instances.get(Number(request.params.id))));

  app.put('/databases/:id/alert-rules', {
    onRequest: write,
    schema: route(tag, 'Replace the instance\'s alert rule overrides ({} restores the defaults)',
      { params: IdParams, body: AlertRulesBody, response: { 200: AlertRulesView } }, [403, 404]),
  }, async (request) => alerts.setRules(await instances.get(Number(request.params.id)), request.body));

  app.get('/metrics', {
    onRequest: read,
    schema: route(tag, 'Every instance\'s health and latest metrics in the Prometheus text format',
      { response: { 200: PrometheusText as unknown as TSchema } }, [403]),
  }, async (_request, reply) => reply.type(prometheus.contentType).send(await prometheus.render()));
};
