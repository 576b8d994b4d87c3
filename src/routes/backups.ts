import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { notImplemented } from '../errors.js';
import { IdParams, SnapshotParams } from '../http/schemas.js';
import type { RouteOptions } from './route-options.js';

const later = () => { throw notImplemented('Backup and restore arrive with the backup issue'); };

export const backupRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);

  app.post('/databases/:id/snapshot', { onRequest: write, schema: { params: IdParams } }, later);
  app.get('/databases/:id/snapshots', { onRequest: read, schema: { params: IdParams } }, later);
  app.post('/databases/:id/restore/:sid', { onRequest: write, schema: { params: SnapshotParams } }, later);
  app.delete('/databases/:id/snapshots/:sid', { onRequest: write, schema: { params: SnapshotParams } }, later);
  app.get('/databases/:id/export', { onRequest: read, schema: { params: IdParams } }, later);
};
