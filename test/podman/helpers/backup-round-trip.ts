import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drill, eventually, exportTo, imageOf, importCompleted, importDump, restore, snapshot, snapshotFiles, waitOperation, waitSnapshot } from './backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './module-under-test.js';

/** What GET /connection-string returns, which the kits' stock clients run with. */
export interface Conn {
  connection_string: string;
  host: string | null;
  port: number | null;
  username: string | null;
  password?: string;
  database: string;
  path?: string | null;
  ports?: Record<string, number>;
  commands?: Record<string, { argv: string[]; env?: Record<string, string> }>;
}

/** One engine's part of the round trip, all with the engine's own clients. */
export interface BackupKit {
  engine: string;
  tool: RegExp;
  /** What the export's README must tell a person to run. */
  readme: RegExp;
  /** Known data, with a marker string that must never be readable in a snapshot file. */
  write(c: Conn, marker: string): Promise<void>;
  /** Changes, deletes and adds, so that a restore has something to undo. */
  change(c: Conn): Promise<void>;
  /** A checksum over everything written (rows, points). */
  checksum(c: Conn): Promise<string>;
  /** Follows the export's README with the stock tool, into a new target; returns that target's checksum. */
  byHand(dir: string, dumpFile: string, image: string, cleanup: (fn: () => Promise<void>) => void): Promise<string>;
  /** Enough data for a dump that runs for seconds. */
  grow(c: Conn): Promise<void>;
  /**
   * A dump made by the engine's stock tool outside the module (`dir` is scratch space), and what the
   * instance must hold once it is imported (applied as the stock tool would: added to what is there).
   */
  stockImport?: { how: string; make(dir: string): Promise<Buffer>; check(c: Conn): Promise<void> };
  /** How the dump is broken mid-stream (its query or tool killed, or a cancel), in words and in deed. */
  breakDump: { how: string; run(ctx: { c: Conn; container: string; cancel(): Promise<void> }): Promise<void>; failure: RegExp };
}

/**
 * The backup round trip of one engine through the REST API: snapshot, change, restore; clone; the
 * export restored by hand with the stock tool; a drill; a dump broken mid-stream ends failed.
 */
export function backupRoundTrip(kit: BackupKit): void {
  describe(`${kit.engine} backups through the API`, () => {
    let m: ModuleUnderTest;
    let id: number;
    let c: Conn;
    let known: string;
    let first: any;
    const marker = `plaintext-marker-${randomBytes(6).toString('hex')}`;
    const cleanups: (() => Promise<void>)[] = [];
    const created: number[] = [];

    const connection = async (instanceId: number) => (await m.api<Conn>('GET', `/databases/${instanceId}/connection-string`)).body;

    beforeAll(async () => {
      m = await startModule();
      const res = await m.api('POST', '/databases', { engine: kit.engine, version: STANDIN_VERSIONS[kit.engine], name: `bk-${kit.engine.slice(0, 5)}-${randomBytes(3).toString('hex')}`, sku: 'b2' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      id = res.body.id;
      created.push(id);
      await m.waitFor(id, ['running']);
      c = await connection(id);
      await kit.write(c, marker);
      known = await kit.checksum(c);
    }, 300_000);
    afterAll(async () => {
      for (const fn of cleanups) await fn().catch(() => undefined);
      for (const i of created) await m?.api('DELETE', `/databases/${i}`).catch(() => undefined);
      await m?.close();
    }, 300_000);

    it('snapshot, change and delete data, restore: exactly the data of the snapshot comes back', async () => {
      first = await snapshot(m, id);
      expect(first, JSON.stringify(first)).toMatchObject({ status: 'completed', kind: 'manual', engine: kit.engine, engine_version: STANDIN_VERSIONS[kit.engine] });
      expect(first.tool).toMatch(kit.tool);
      expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.keys(first.figures.low).length).toBeGreaterThan(0);
      const files = await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id);
      expect(files.map((f) => f.mode)).toEqual([0o600]);
      expect(files[0]!.bytes.includes(Buffer.from(marker))).toBe(false);

      await kit.change(c);
      expect(await kit.checksum(c)).not.toBe(known);
      const op = await restore(m, id, first.id);
      expect(op, JSON.stringify(op)).toMatchObject({ type: 'restore', status: 'completed', snapshot_id: first.id });
      expect(await kit.checksum(await connection(id))).toBe(known);
      const list = (await m.api('GET', `/databases/${id}/snapshots`)).body.snapshots;
      expect(list.filter((s: any) => s.kind === 'pre_restore' && s.status === 'completed')).toHaveLength(1);
    }, 600_000);

    it('a clone is a new instance with the same data', async () => {
      const res = await m.api('POST', `/databases/${id}/clone`, { name: `bk-clone-${randomBytes(3).toString('hex')}`, snapshot_id: first.id });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const cloneId = res.body.instance.id;
      created.push(cloneId);
      const op = await waitOperation(m, cloneId, 'clone');
      expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
      await m.waitFor(cloneId, ['running']);
      expect(await kit.checksum(await connection(cloneId))).toBe(known);
    }, 600_000);

    it('the export restores by hand with the stock tool, following its README, no module', async () => {
      const exported = await exportTo(m, id, `?snapshot_id=${first.id}`);
      const dumpFile = exported.manifest.file as string;
      expect(exported.files.sort()).toEqual(['README.txt', dumpFile, 'manifest.json'].sort());
      const dump = await readFile(path.join(exported.dir, dumpFile));
      expect(createHash('sha256').update(dump).digest('hex')).toBe(first.sha256);
      expect(exported.manifest).toMatchObject({ engine: kit.engine, sha256: first.sha256, tool: first.tool });
      expect(exported.readme).toMatch(kit.readme);
      expect(await kit.byHand(exported.dir, dumpFile, await imageOf(m, id), (fn) => cleanups.push(fn))).toBe(known);
    }, 600_000);

    it('a drill passes on a good snapshot', async () => {
      const done = await drill(m, id, first.id);
      expect(done.drill, JSON.stringify(done.drill)).toMatchObject({ status: 'passed' });
    }, 600_000);

    if (kit.stockImport) {
      const stock = kit.stockImport;
      it(`imports a dump made by the stock tool (${stock.how}), with a safety snapshot first`, async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-stock-dump-'));
        try {
          const dump = await stock.make(dir);
          await importCompleted(m, id, dump);
          await stock.check(await connection(id));
          const kinds = (await m.api('GET', `/databases/${id}/snapshots`)).body.snapshots.map((s: any) => s.kind);
          expect(kinds.filter((k: string) => k === 'pre_restore').length).toBeGreaterThanOrEqual(2);
          // Not a dump of this engine: refused before anything is stored.
          expect((await importDump(m, id, Buffer.from('REDIS0011 not a dump of this engine'))).status).toBe(400);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }, 600_000);
    }

    it(`a dump broken mid-stream (${kit.breakDump.how}) is failed, and leaves no file`, async () => {
      await kit.grow(await connection(id));
      const before = (await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id)).length;
      const started = await m.api('POST', `/databases/${id}/snapshot`);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const sid = started.body.snapshot.id;
      await eventually(async () => {
        const s = (await m.api('GET', `/databases/${id}/snapshots/${sid}`)).body;
        if (s.status === 'running' && s.size_bytes > 0) return s;
        throw new Error(`not streaming yet: ${s.status} ${s.size_bytes}`);
      }, 120_000);
      await kit.breakDump.run({
        c, container: (await m.api('GET', `/databases/${id}`)).body.container_name,
        cancel: async () => expect((await m.api('POST', `/databases/${id}/snapshots/${sid}/cancel`)).status).toBe(202),
      });
      const ended = await waitSnapshot(m, id, sid);
      expect(ended.status, JSON.stringify(ended)).toBe('failed');
      expect(ended.error_message).toMatch(kit.breakDump.failure);
      expect(await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id)).toHaveLength(before);
    }, 600_000);
  });
}
