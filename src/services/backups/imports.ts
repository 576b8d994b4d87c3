import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as repo from '../../db/repositories/snapshots.js';
import type { SnapshotRow } from '../../db/repositories/snapshots.js';
import type { InstanceRow } from '../../db/schema.js';
import { badRequest, ModuleError } from '../../errors.js';
import { backupRoleOf, describeFailure, type BackupDeps } from './backup-context.js';
import type { SnapshotWriter } from './snapshot-files.js';

const tooLarge = (max: number) => new ModuleError('PAYLOAD_TOO_LARGE', `The dump is larger than FLUX_DATABASES_IMPORT_MAX_MB (${Math.round(max / 1048576)} MB)`);

/** Passes at most `max` bytes and fails beyond (the upload is never buffered whole). */
function limit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > max ? tooLarge(max) : null, chunk);
    },
  });
}

/**
 * Stores an uploaded dump (the engine's native format, streamed) as an `import` snapshot: encrypted
 * like any snapshot, hashed, its head checked against the format. Refused with 413 beyond the
 * limit and 400 when it is not the engine's format; either way nothing of it stays.
 */
export async function receiveImport(d: BackupDeps, row: InstanceRow, body: Readable, declaredBytes: number | undefined): Promise<SnapshotRow> {
  const role = backupRoleOf(row);
  if (declaredBytes !== undefined && declaredBytes > d.importMaxBytes) throw tooLarge(d.importMaxBytes);
  const now = new Date(d.clock.now());
  let snapshot = await repo.insertSnapshot(d.db, {
    instance_id: row.id, path: '', kind: 'import', status: 'running', engine: row.engine, engine_version: row.engine_version,
    tool: 'uploaded', format: role.format, started_at: now, created_at: now, notes: 'uploaded through POST /import',
  });
  snapshot = (await repo.updateSnapshot(d.db, snapshot.id, { path: d.files.pathFor(row.id, snapshot.id, role.extension) }))!;
  let writer: SnapshotWriter | undefined;
  try {
    writer = await d.files.create(row.id, snapshot.id, role.extension);
    await pipeline(body, limit(d.importMaxBytes), writer.out, { end: false });
    if (writer.bytes() === 0) throw badRequest('The upload is empty');
    if (!role.looksLike(writer.head())) throw badRequest(`The upload is not a ${role.format}`);
    const stored = await writer.finish();
    const finished = d.clock.now();
    return (await repo.updateSnapshot(d.db, snapshot.id, {
      status: 'completed', sha256: stored.sha256, size_bytes: stored.sizeBytes, stored_bytes: stored.storedBytes, key_id: stored.keyId,
      finished_at: new Date(finished), duration_ms: finished - now.getTime(),
    }))!;
  } catch (err) {
    await writer?.discard().catch(() => undefined);
    const reason = err instanceof ModuleError ? err.message : `the upload did not complete: ${describeFailure(err)}`;
    await repo.updateSnapshot(d.db, snapshot.id, { status: 'failed', error_message: reason, finished_at: new Date(d.clock.now()), size_bytes: writer?.bytes() ?? 0 });
    body.resume();
    throw err instanceof ModuleError ? err : badRequest(reason, err);
  }
}
