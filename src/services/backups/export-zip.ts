import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { SnapshotRow } from '../../db/repositories/snapshots.js';
import type { InstanceRow } from '../../db/schema.js';
import { MODULE_ID } from '../../constants.js';
import { backupRoleOf, type BackupDeps } from './backup-context.js';

/** What the export's manifest.json holds. */
export function manifestOf(row: InstanceRow, snapshot: SnapshotRow, file: string): Record<string, unknown> {
  return {
    made_by: `Flux Databases module ${MODULE_ID}`,
    instance: { id: row.id, name: row.name, database: row.database_name, image: row.image },
    engine: snapshot.engine, version: snapshot.engine_version,
    file, format: snapshot.format, tool: snapshot.tool,
    size_bytes: Number(snapshot.size_bytes), sha256: snapshot.sha256,
    snapshot: {
      id: snapshot.id, kind: snapshot.kind, started_at: snapshot.started_at, finished_at: snapshot.finished_at, duration_ms: snapshot.duration_ms,
      figures_at_backup_time: snapshot.figures, drill: snapshot.verify_status ? { result: snapshot.verify_status, at: snapshot.verified_at, message: snapshot.verify_message } : null,
    },
  };
}

/**
 * The export of one snapshot as a zip stream: the decrypted dump (stored, not compressed again),
 * manifest.json (engine, version, checksum, how it was made) and README.txt (how to restore it with
 * the engine's stock tool and no module). The file is read through and checked against its
 * SHA-256 before the first byte is sent, so a damaged snapshot is refused instead of half-sent.
 */
export async function exportZip(d: BackupDeps, row: InstanceRow, snapshot: SnapshotRow): Promise<Readable> {
  const role = backupRoleOf(row);
  await d.files.verify(snapshot.path, snapshot.sha256 ?? '');
  const file = `dump${role.extension}`;
  const mtime = snapshot.finished_at ?? new Date();
  const readme = [
    `Snapshot ${snapshot.id} of ${row.name} (${snapshot.engine} ${snapshot.engine_version}), made ${mtime.toISOString()} with ${snapshot.tool}.`,
    `SHA-256 of ${file}: ${snapshot.sha256} (sha256sum ${file}).`,
    '',
    ...role.restoreInstructions({ engine: snapshot.engine ?? row.engine, version: snapshot.engine_version ?? row.engine_version, file, database: row.database_name }),
    '',
  ].join('\n');
  const zip = new yazl.ZipFile();
  const dump = await d.files.open(snapshot.path);
  const out = new PassThrough();
  // A read that fails halfway (the disk) must break the download, never finish it as if complete.
  dump.once('error', (err) => out.destroy(err));
  zip.addReadStream(dump, file, { compress: false, mtime });
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifestOf(row, snapshot, file), null, 2)}\n`), 'manifest.json', { mtime });
  zip.addBuffer(Buffer.from(readme), 'README.txt', { mtime });
  zip.end();
  (zip.outputStream as Readable).pipe(out);
  return out;
}
