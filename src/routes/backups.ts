import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { ModuleError } from '../errors.js';
import {
  BackupPolicyAnswer, BackupPolicyBody, CloneAccepted, CloneBody, ExportQuery, ExportZip, OperationList, SnapshotAccepted,
  SnapshotList, SnapshotParams, SnapshotView,
} from '../http/schemas/backups.js';
import { IdParams, MessageBody, route } from '../http/schemas/common.js';
import { instanceView } from '../http/views/instance-view.js';
import { operationView, snapshotView } from '../http/views/snapshot-view.js';
import type { RouteOptions } from './route-options.js';

const tag = 'backups';
const ids = (p: { id: string; sid?: string }) => ({ id: Number(p.id), sid: Number(p.sid) });

export const backupRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);
  const { backups } = services;
  // Imports arrive as the dump itself; the stream goes on to the service unread (never buffered whole).
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post('/databases/:id/snapshot', {
    onRequest: write, schema: route(tag, 'Take a snapshot with the engine\'s native tool (202; the row shows its progress)', { params: IdParams, response: { 202: SnapshotAccepted } }, [403, 404, 409, 501]),
  }, async (request, reply) => {
    const snapshot = await backups.snapshot(ids(request.params).id);
    return reply.code(202).send({ message: 'Snapshot started', snapshot: snapshotView(snapshot) });
  });

  app.get('/databases/:id/snapshots', {
    onRequest: read, schema: route(tag, 'List snapshots, newest first', { params: IdParams, response: { 200: SnapshotList } }, [403, 404]),
  }, async (request) => ({ snapshots: (await backups.list(ids(request.params).id)).map(snapshotView) }));

  app.get('/databases/:id/snapshots/:sid', {
    onRequest: read, schema: route(tag, 'One snapshot', { params: SnapshotParams, response: { 200: SnapshotView } }, [403, 404]),
  }, async (request) => snapshotView(await backups.get(ids(request.params).id, ids(request.params).sid)));

  app.post('/databases/:id/snapshots/:sid/cancel', {
    onRequest: write, schema: route(tag, 'Cancel a running snapshot (it ends failed, its file removed)', { params: SnapshotParams, response: { 202: SnapshotAccepted } }, [403, 404, 409]),
  }, async (request, reply) => {
    const snapshot = await backups.cancel(ids(request.params).id, ids(request.params).sid);
    return reply.code(202).send({ message: 'Cancelling the snapshot', snapshot: snapshotView(snapshot) });
  });

  app.post('/databases/:id/snapshots/:sid/verify', {
    onRequest: write, schema: route(tag, 'Run a restore drill on a snapshot in a throwaway container (202; the result goes on the snapshot)', { params: SnapshotParams, response: { 202: SnapshotAccepted } }, [403, 404, 409, 501]),
  }, async (request, reply) => {
    const snapshot = await backups.verify(ids(request.params).id, ids(request.params).sid);
    return reply.code(202).send({ message: 'Restore drill started', snapshot: snapshotView(snapshot) });
  });

  app.delete('/databases/:id/snapshots/:sid', {
    onRequest: write, schema: route(tag, 'Delete a snapshot of this instance (file and row)', { params: SnapshotParams, response: { 200: MessageBody } }, [403, 404, 409]),
  }, async (request) => {
    await backups.remove(ids(request.params).id, ids(request.params).sid);
    return { message: 'Snapshot deleted' };
  });

  app.post('/databases/:id/restore/:sid', {
    onRequest: write,
    schema: route(tag, 'Restore a snapshot into this instance (202): a safety snapshot first; a failed restore is put back from it', { params: SnapshotParams, response: { 202: SnapshotAccepted } }, [403, 404, 409, 501]),
  }, async (request, reply) => {
    const snapshot = await backups.restore(ids(request.params).id, ids(request.params).sid);
    return reply.code(202).send({ message: 'Restore started; the instance is restoring until it is done', snapshot: snapshotView(snapshot) });
  });

  app.post('/databases/:id/clone', {
    onRequest: write,
    schema: route(tag, 'Create a new instance from the latest or the given snapshot (202)', { params: IdParams, body: CloneBody, response: { 202: CloneAccepted } }, [403, 404, 409, 501, 503]),
  }, async (request, reply) => {
    const { clone, snapshot } = await backups.clone(ids(request.params).id, request.body);
    return reply.code(202).send({ message: 'Clone is being created, then filled from the snapshot', snapshot_id: snapshot.id, instance: instanceView(clone) });
  });

  // databases:read, as the seed has it: a reader may already browse every row.
  app.get('/databases/:id/export', {
    onRequest: read,
    schema: route(tag, 'Export a snapshot as a zip: the decrypted dump, manifest.json, README.txt (restorable with the stock tool, no module)',
      { params: IdParams, querystring: ExportQuery, response: { 200: { content: { 'application/zip': { schema: ExportZip } } } } }, [403, 404, 409, 501, 502]),
  }, async (request, reply) => {
    const sid = request.query.snapshot_id === undefined ? undefined : Number(request.query.snapshot_id);
    const { stream, filename } = await backups.export(ids(request.params).id, sid);
    // A stream is sent as it is (the schema describes the zip for the document; a stream skips serialization).
    return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${filename}"`).send(stream as unknown as string);
  });

  app.post('/databases/:id/import', {
    onRequest: write,
    bodyLimit: Number.MAX_SAFE_INTEGER,
    schema: route(tag, 'Import a dump in the engine\'s native format (application/octet-stream, streamed; FLUX_DATABASES_IMPORT_MAX_MB) and restore it (202)',
      { params: IdParams, response: { 202: SnapshotAccepted } }, [403, 404, 409, 413, 415, 501]),
  }, async (request, reply) => {
    if (!/^application\/octet-stream\b/.test(request.headers['content-type'] ?? '')) {
      throw new ModuleError('UNSUPPORTED_MEDIA_TYPE', 'Send the dump itself as application/octet-stream');
    }
    const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
    const snapshot = await backups.importDump(ids(request.params).id, request.body as Readable, declared);
    return reply.code(202).send({ message: 'Dump stored; restoring it (a safety snapshot first)', snapshot: snapshotView(snapshot) });
  });

  app.get('/databases/:id/backups', {
    onRequest: read, schema: route(tag, 'The log of backup operations (snapshots, restores, imports, clones, drills), newest first', { params: IdParams, response: { 200: OperationList } }, [403, 404]),
  }, async (request) => ({ operations: (await backups.operations(ids(request.params).id)).map(operationView) }));

  const policyAnswer = (id: number, policy: BackupPolicyBody | null) => ({ policy, next_run_at: backups.nextRun(id) });
  app.get('/databases/:id/backup-policy', {
    onRequest: read, schema: route(tag, 'The backup policy: schedule, retention (GFS), verify', { params: IdParams, response: { 200: BackupPolicyAnswer } }, [403, 404]),
  }, async (request) => policyAnswer(ids(request.params).id, await backups.policy(ids(request.params).id)));

  app.put('/databases/:id/backup-policy', {
    onRequest: write, schema: route(tag, 'Set the backup policy (replaces the schedule at once)', { params: IdParams, body: BackupPolicyBody, response: { 200: BackupPolicyAnswer } }, [403, 404, 501]),
  }, async (request) => policyAnswer(ids(request.params).id, await backups.setPolicy(ids(request.params).id, request.body)));

  app.delete('/databases/:id/backup-policy', {
    onRequest: write, schema: route(tag, 'Remove the backup policy (its snapshots stay)', { params: IdParams, response: { 200: BackupPolicyAnswer } }, [403, 404, 501]),
  }, async (request) => policyAnswer(ids(request.params).id, await backups.setPolicy(ids(request.params).id, null)));
};
