import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { notImplemented } from '../errors.js';
import { IdParams } from '../http/schemas.js';
import type { RouteOptions } from './route-options.js';

const later = () => { throw notImplemented('Instance management arrives with the instance management issue'); };

export const instanceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);

  app.get('/databases', { onRequest: read }, later);
  app.post('/databases', { onRequest: write }, later);
  app.get('/databases/:id', { onRequest: read, schema: { params: IdParams } }, later);
  app.delete('/databases/:id', { onRequest: write, schema: { params: IdParams } }, later);
  for (const action of ['start', 'stop', 'restart'] as const) {
    app.post(`/databases/:id/${action}`, { onRequest: write, schema: { params: IdParams } }, later);
  }
};
