import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { notImplemented } from '../errors.js';
import { SnapshotParams } from '../http/schemas/backups.js';
import { IdParams, route } from '../http/schemas/common.js';
import type { RouteOptions } from './route-options.js';

const later = () => { throw notImplemented('Backup and restore arrive with the backup issue'); };
const tag = 'backups';
const notYet = <P extends object>(summary: string, params: P) => route(tag, `${summary} (not offered yet)`, { params, response: {} }, [403, 501]);

export const backupRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);

  app.post('/databases/:id/snapshot', { onRequest: write, schema: notYet('Take a snapshot', IdParams) }, later);
  app.get('/databases/:id/snapshots', { onRequest: read, schema: notYet('List snapshots', IdParams) }, later);
  app.post('/databases/:id/restore/:sid', { onRequest: write, schema: notYet('Restore a snapshot', SnapshotParams) }, later);
  app.delete('/databases/:id/snapshots/:sid', { onRequest: write, schema: notYet('Delete a snapshot', SnapshotParams) }, later);
  app.get('/databases/:id/export', { onRequest: read, schema: notYet('Export the data', IdParams) }, later);
};
