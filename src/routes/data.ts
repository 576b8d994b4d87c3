import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { IdParams, route } from '../http/schemas/common.js';
import { ConnectionView, SampleQuery, TableDataView, TableParams, TablesQuery, TableSchemaView, TablesView } from '../http/schemas/data.js';
import { DataBrowser } from '../services/browse/data-browser.js';
import type { RouteOptions } from './route-options.js';

const tag = 'data';

export const dataRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const { instances } = services;
  const views = instances.reads;
  const read = ctx.requirePermission(PERMISSIONS.read);

  // The data browser: read-only, so readers may use it; 501 for an engine without a browser role.
  const browser = new DataBrowser(instances.support);
  const BROWSE_ERRORS = [403, 404, 409, 501, 502] as const;
  app.get('/databases/:id/tables', {
    onRequest: read,
    schema: route(tag, 'Tables, views, measurements or a key scan, with row estimates and sizes',
      { params: IdParams, querystring: TablesQuery, response: { 200: TablesView } }, [...BROWSE_ERRORS]),
  }, async (request) => browser.list(Number(request.params.id), request.query));
  app.get('/databases/:id/tables/:name/schema', {
    onRequest: read,
    schema: route(tag, 'A table\'s columns, primary key, indexes and foreign keys (a key\'s type and TTL)',
      { params: TableParams, response: { 200: TableSchemaView } }, [...BROWSE_ERRORS]),
  }, async (request) => browser.describe(Number(request.params.id), request.params.name));
  app.get('/databases/:id/tables/:name/data', {
    onRequest: read,
    schema: route(tag, 'Sample rows, read-only with a statement timeout: at most 1000, long cells cut',
      { params: TableParams, querystring: SampleQuery, response: { 200: TableDataView } }, [...BROWSE_ERRORS]),
  }, async (request) => browser.sample(Number(request.params.id), request.params.name, request.query));
  // The password only for callers who may manage the instance.
  app.get('/databases/:id/connection-string', {
    onRequest: read,
    schema: route(tag, 'Host, port, database, user and URI; the password only with the write permission',
      { params: IdParams, response: { 200: ConnectionView } }, [403, 404, 409]),
  }, async (request) => views.connection(await instances.get(Number(request.params.id)), ctx.hasPermission(request, PERMISSIONS.write)));
};
