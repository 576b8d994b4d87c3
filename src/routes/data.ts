import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { notImplemented } from '../errors.js';
import { IdParams, SampleQuery, TableParams } from '../http/schemas.js';
import type { RouteOptions } from './route-options.js';

const later = (what: string) => () => { throw notImplemented(`${what} arrive with the data and security issue`); };

export const dataRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const { instances } = services;
  const views = instances.reads;
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);

  app.get('/databases/:id/tables', { onRequest: read, schema: { params: IdParams } }, later('Table browsing'));
  app.get('/databases/:id/tables/:name/schema', { onRequest: read, schema: { params: TableParams } }, later('Table browsing'));
  app.get('/databases/:id/tables/:name/data', { onRequest: read, schema: { params: TableParams, querystring: SampleQuery } }, later('Table browsing'));
  app.post('/databases/:id/credentials/rotate', { onRequest: write, schema: { params: IdParams } }, later('Credential rotation'));
  // The password only for callers who may manage the instance.
  app.get('/databases/:id/connection-string', { onRequest: read, schema: { params: IdParams } }, async (request) =>
    views.connection(await instances.get(Number(request.params.id)), ctx.hasPermission(request, PERMISSIONS.write)));
  app.post('/databases/:id/databases', { onRequest: write, schema: { params: IdParams } }, later('Inner databases and users'));
  app.get('/databases/:id/databases', { onRequest: read, schema: { params: IdParams } }, later('Inner databases and users'));
  app.post('/databases/:id/users', { onRequest: write, schema: { params: IdParams } }, later('Inner databases and users'));
  app.get('/databases/:id/users', { onRequest: read, schema: { params: IdParams } }, later('Inner databases and users'));
};
