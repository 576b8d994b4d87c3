import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { bearer } from '../../helpers/host.js';
import { ADMIN, startModule, type ModuleUnderTest } from './module-under-test.js';
import { TEST_RUN_LABEL } from './podman-env.js';

export const run = promisify(execFile);
const MOUNT = '/api/modules/databases';

/**
 * The module with its backups directory on a tmpfs of `size` (`4m`): a backup disk that fills up.
 * `close` deletes every instance, stops the module and unmounts the disk.
 */
export async function startModuleOnSmallBackupDisk(size: string): Promise<{ m: ModuleUnderTest; backupDir: string; close(): Promise<void> }> {
  const backupDir = await mkdtemp(path.join(os.tmpdir(), 'flux-e2e-backups-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', backupDir]);
  const m = await startModule({ FLUX_DATABASES_BACKUP_DIR: backupDir });
  return {
    m, backupDir,
    async close() {
      for (const i of (await m.api('GET', '/databases')).body ?? []) await m.api('DELETE', `/databases/${i.id}`);
      await m.close();
      await run('umount', [backupDir]).catch(() => undefined);
      await rm(backupDir, { recursive: true, force: true });
    },
  };
}

/** Polls a snapshot until it is no longer running. */
export async function waitSnapshot(m: ModuleUnderTest, id: number, sid: number, timeoutMs = 300_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await m.api('GET', `/databases/${id}/snapshots/${sid}`);
    expect(status).toBe(200);
    if (body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`snapshot ${sid} still running`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Takes a snapshot through the API and waits for its outcome. */
export async function snapshot(m: ModuleUnderTest, id: number): Promise<any> {
  const started = await m.api('POST', `/databases/${id}/snapshot`);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body.snapshot.status).toBe('running');
  return waitSnapshot(m, id, started.body.snapshot.id);
}

/** Waits until the newest operation of `type` on the instance ended; returns it. */
export async function waitOperation(m: ModuleUnderTest, id: number, type: string, after = 0, timeoutMs = 300_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await m.api('GET', `/databases/${id}/backups`);
    const op = body.operations.find((o: any) => o.type === type && o.id > after);
    if (op && op.status !== 'running') return op;
    if (Date.now() > deadline) throw new Error(`no finished ${type} operation on ${id}: ${JSON.stringify(body.operations.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function lastOperationId(m: ModuleUnderTest, id: number): Promise<number> {
  const { body } = await m.api('GET', `/databases/${id}/backups`);
  return body.operations[0]?.id ?? 0;
}

/** Starts a restore and waits for its operation and for the instance to be running again. */
export async function restore(m: ModuleUnderTest, id: number, sid: number): Promise<any> {
  const after = await lastOperationId(m, id);
  const res = await m.api('POST', `/databases/${id}/restore/${sid}`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const op = await waitOperation(m, id, 'restore', after);
  await m.waitFor(id, ['running']);
  return op;
}

/** Downloads the export zip and unpacks it; returns the directory and its files. */
export async function exportTo(m: ModuleUnderTest, id: number, query = ''): Promise<{ dir: string; files: string[]; manifest: any; readme: string }> {
  const res = await m.app.inject({ method: 'GET', url: `${MOUNT}/databases/${id}/export${query}`, headers: bearer(ADMIN) });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-export-'));
  await writeFile(path.join(dir, 'export.zip'), res.rawPayload);
  await run('unzip', ['-q', 'export.zip'], { cwd: dir });
  const files = (await readdir(dir)).filter((f) => f !== 'export.zip').sort();
  return { dir, files, manifest: JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')), readme: await readFile(path.join(dir, 'README.txt'), 'utf8') };
}

/** Uploads a dump as POST /import (streamed, application/octet-stream). */
export async function importDump(m: ModuleUnderTest, id: number, dump: Buffer): Promise<{ status: number; body: any }> {
  const res = await m.app.inject({
    method: 'POST', url: `${MOUNT}/databases/${id}/import`, headers: { ...bearer(ADMIN), 'content-type': 'application/octet-stream' }, payload: dump,
  });
  return { status: res.statusCode, body: res.json() };
}

/** Imports a dump and waits until its operation completed and the instance runs again; returns the import's answer. */
export async function importCompleted(m: ModuleUnderTest, id: number, dump: Buffer): Promise<{ status: number; body: any }> {
  const after = await lastOperationId(m, id);
  const res = await importDump(m, id, dump);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.snapshot).toMatchObject({ kind: 'import', status: 'completed' });
  const op = await waitOperation(m, id, 'import', after);
  expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
  await m.waitFor(id, ['running']);
  return res;
}

/** Starts a drill of a snapshot and waits until `until` holds of it (by default: the drill has an outcome). */
export async function drill(m: ModuleUnderTest, id: number, sid: number, until: (s: any) => boolean = (s) => Boolean(s.drill?.status)): Promise<any> {
  const started = await m.api('POST', `/databases/${id}/snapshots/${sid}/verify`);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return eventually(async () => {
    const s = (await m.api('GET', `/databases/${id}/snapshots/${sid}`)).body;
    if (!until(s)) throw new Error(`drill of ${sid}: ${JSON.stringify(s.drill)}`);
    return s;
  }, 300_000);
}

/** The snapshot files of an instance on disk: mode and contents. */
export async function snapshotFiles(backupDir: string, id: number): Promise<{ file: string; mode: number; bytes: Buffer }[]> {
  const dir = path.join(backupDir, `instance-${id}`);
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map(async (n) => ({ file: path.join(dir, n), mode: (await stat(path.join(dir, n))).mode & 0o777, bytes: await readFile(path.join(dir, n)) })));
}

/** A container of a stand-in image, as a person would start one to restore an export by hand. */
export async function freshContainer(image: string, args: { env?: Record<string, string>; port: number; mounts?: string[]; cmd?: string[] }): Promise<{ name: string; hostPort: number; remove(): Promise<void> }> {
  const name = `flux-e2e-fresh-${randomBytes(3).toString('hex')}`;
  const env = Object.entries(args.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const mounts = (args.mounts ?? []).flatMap((m) => ['-v', m]);
  await run('podman', ['run', '-d', '--name', name, '--label', `${TEST_RUN_LABEL}=fresh`, ...env, ...mounts, '-p', `127.0.0.1::${args.port}`, image, ...(args.cmd ?? [])]);
  const { stdout } = await run('podman', ['port', name, `${args.port}/tcp`]);
  const hostPort = Number(/:(\d+)\s*$/.exec(stdout.trim())?.[1]);
  return { name, hostPort, remove: async () => void (await run('podman', ['rm', '-f', name]).catch(() => undefined)) };
}

/** Retries `fn` until it resolves (a server starting up). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** The image an instance runs (the stand-in under its override). */
export async function imageOf(m: ModuleUnderTest, id: number): Promise<string> {
  return (await m.api('GET', `/databases/${id}`)).body.image;
}
