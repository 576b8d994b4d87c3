import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/services/scheduler/scheduler.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// The backup service on the fake runtime: stalls and cancels fail a snapshot, snapshots of one
// instance are not reachable through another's URL, policies are checked, retention keeps exactly
// what the policy says over 70 days of a fake clock, and a failed drill raises an alert.
const clock = new FakeClock();
let h: FakeHost;
let id: number;
const MARK = Buffer.alloc(40, 0x5a);

/** redis-cli --rdb - as the stand-in behaves: the RDB, then its 40-byte EOF marker, the true length on stderr. */
function scriptRdb(h: FakeHost, body = 'REDIS0010 fake rdb body') {
  h.runtime.streams.script(/--rdb -/, async (_call, io) => {
    await io.write(body);
    await io.write(MARK);
    return { stderr: `sending REPLCONF capa eof\nTransfer finished with success after ${Buffer.byteLength(body)} bytes\n` };
  });
}

async function waitSnapshot(sid: number): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const s = (await h.api('GET', `/databases/${id}/snapshots/${sid}`)).json;
    if (s.status !== 'running') return s;
    await sleep(20);
  }
  throw new Error(`snapshot ${sid} still running`);
}

async function take(): Promise<any> {
  const res = await h.api('POST', `/databases/${id}/snapshot`);
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return waitSnapshot(res.json.snapshot.id);
}

beforeAll(async () => {
  h = await fakeHost({ env: { FLUX_DATABASES_BACKUP_STALL_TIMEOUT_S: '5' }, host: { services: { background: new Scheduler(clock) } } });
  h.runtime.execs.script(/INFO keyspace/, { stdout: '# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n' });
  scriptRdb(h);
  id = (await h.createRunning({ engine: 'redis', name: 'bk-fast' })).id;
}, 60_000);
afterAll(() => h?.close());

describe('snapshots that do not finish are failed', () => {
  it('a stream that stalls fails after FLUX_DATABASES_BACKUP_STALL_TIMEOUT_S, and leaves no file', async () => {
    h.runtime.streams.script(/--rdb -/, async (_call, io) => {
      await io.write('REDIS0010 then nothing');
      await new Promise((resolve) => io.signal.addEventListener('abort', resolve));
    }, { times: 1 });
    const started = Date.now();
    const s = await take();
    expect(s.status).toBe('failed');
    expect(s.error_message).toMatch(/redis-cli was stopped \(stalled\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
    expect(await readdir(path.join(h.moduleDir, 'backups', `instance-${id}`))).toEqual([]);
  }, 30_000);

  it('a running snapshot can be cancelled', async () => {
    h.runtime.streams.script(/--rdb -/, async (_call, io) => {
      await io.write('REDIS0010');
      while (!io.signal.aborted) { await io.write('x'.repeat(100)).catch(() => undefined); await sleep(20); }
    }, { times: 1 });
    const res = await h.api('POST', `/databases/${id}/snapshot`);
    await sleep(100);
    const cancel = await h.api('POST', `/databases/${id}/snapshots/${res.json.snapshot.id}/cancel`);
    expect(cancel.status).toBe(202);
    const s = await waitSnapshot(res.json.snapshot.id);
    expect(s).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/^cancelled/) });
    expect((await h.api('POST', `/databases/${id}/snapshots/${res.json.snapshot.id}/cancel`)).status).toBe(409);
  });

  it('one completes: the EOF marker is cut off, the sha256 is of the RDB alone', async () => {
    const s = await take();
    expect(s).toMatchObject({ status: 'completed', size_bytes: Buffer.byteLength('REDIS0010 fake rdb body'), figures: { low: { db0: 3 }, high: { db0: 3 } } });
  });
});

describe('snapshots belong to their instance', () => {
  it('another instance\'s snapshot is not found through this one\'s URL, and deleting it there changes nothing', async () => {
    const other = await h.createRunning({ engine: 'redis', name: 'bk-other' });
    const mine = (await h.api('GET', `/databases/${id}/snapshots`)).json.snapshots.find((s: any) => s.status === 'completed');
    expect((await h.api('GET', `/databases/${other.id}/snapshots/${mine.id}`)).status).toBe(404);
    expect((await h.api('DELETE', `/databases/${other.id}/snapshots/${mine.id}`)).status).toBe(404);
    expect((await h.api('GET', `/databases/${id}/snapshots/${mine.id}`)).json.status).toBe('completed');
    expect((await h.api('DELETE', `/databases/${id}/snapshots/${mine.id}`)).status).toBe(200);
    expect((await h.api('GET', `/databases/${id}/snapshots/${mine.id}`)).status).toBe(404);
    await h.api('DELETE', `/databases/${other.id}`);
  });
});

describe('backup policies', () => {
  const policy = { schedule: '0 3 * * *', keep_last: 2, keep_daily: 3, keep_weekly: 2, keep_monthly: 2, verify: false };

  it('refuses a bad schedule and a policy that keeps nothing, and changes nothing', async () => {
    expect((await h.api('PUT', `/databases/${id}/backup-policy`, { ...policy, schedule: '61 * * * *' })).status).toBe(400);
    expect((await h.api('PUT', `/databases/${id}/backup-policy`, { ...policy, keep_last: 0, keep_daily: 0, keep_weekly: 0, keep_monthly: 0 })).status).toBe(400);
    expect((await h.api('GET', `/databases/${id}/backup-policy`)).json).toEqual({ policy: null, next_run_at: null });
  });

  it('over 70 days of a fake clock, retention keeps exactly what the policy names (GFS, the newest verified one, never a manual one), never after a failed backup', async () => {
    const manual = await take();
    const set = await h.api('PUT', `/databases/${id}/backup-policy`, policy);
    expect(set.json).toEqual({ policy, next_run_at: '2026-12-02T03:00:00.000Z' });
    const scheduled = async () => (await h.api('GET', `/databases/${id}/snapshots`)).json.snapshots.filter((s: any) => s.kind === 'scheduled');
    const background = h.app.flux.services.background;
    // Only the policy's job runs on the fake clock here: health, metrics and the rest would fire thousands of times a day.
    for (const job of background.jobViews()) if (!job.name.startsWith('backup:')) background.cancel(job.name);
    for (let day = 1; day <= 70; day++) {
      if (day === 66) h.runtime.streams.script(/--rdb -/, async () => ({ exitCode: 1, stderr: 'Error: Connection reset by peer\n' }), { times: 1 });
      const before = (await scheduled()).filter((s: any) => s.status === 'completed').length;
      await clock.advance(86_400_000);
      for (let i = 0; background.jobViews().find((j) => j.name === `backup:${id}`)!.runs < day; i++) {
        if (i > 500) throw new Error(`run ${day} did not finish`);
        await sleep(10);
      }
      if (day === 10) {
        // A drill passed on this one: as the newest verified snapshot it outlives every rule.
        const newest = (await scheduled())[0];
        await sql`UPDATE "620600_databases_snapshots" SET verify_status = 'passed' WHERE id = ${newest.id}`.execute(h.app.flux.ctx.db);
      }
      if (day === 66) {
        const after = await scheduled();
        expect(after[0]).toMatchObject({ status: 'failed', error_message: expect.stringContaining('Connection reset by peer') });
        expect(after.filter((s: any) => s.status === 'completed')).toHaveLength(before);
      }
    }
    const kept = (await scheduled()).filter((s: any) => s.status === 'completed').map((s: any) => s.created_at.slice(0, 10));
    expect(kept).toEqual(['2027-02-09', '2027-02-08', '2027-02-07', '2027-01-31', '2026-12-11']);
    expect((await h.api('GET', `/databases/${id}/snapshots/${manual.id}`)).json.status).toBe('completed');
    const files = await readdir(path.join(h.moduleDir, 'backups', `instance-${id}`));
    const all = (await h.api('GET', `/databases/${id}/snapshots`)).json.snapshots.filter((s: any) => s.status === 'completed');
    expect(files.sort()).toEqual(all.map((s: any) => `snapshot-${s.id}.rdb.enc`).sort());
    expect(all.map((s: any) => s.kind).sort()).toEqual(['manual', 'scheduled', 'scheduled', 'scheduled', 'scheduled', 'scheduled']);
    expect((await h.api('DELETE', `/databases/${id}/backup-policy`)).json).toEqual({ policy: null, next_run_at: null });
  }, 120_000);
});

describe('restore drills', () => {
  it('a damaged file fails its drill, never counts as good, and raises an alert', async () => {
    const s = await take();
    const file = path.join(h.moduleDir, 'backups', `instance-${id}`, `snapshot-${s.id}.rdb.enc`);
    const bytes = await readFile(file);
    bytes[bytes.length - 3]! ^= 1;
    await writeFile(file, bytes);
    expect((await h.api('POST', `/databases/${id}/snapshots/${s.id}/verify`)).status).toBe(202);
    let drilled: any;
    for (let i = 0; i < 300 && !drilled?.drill.status; i++, await sleep(20)) drilled = (await h.api('GET', `/databases/${id}/snapshots/${s.id}`)).json;
    expect(drilled.drill).toMatchObject({ status: 'failed', message: expect.stringMatching(/damaged|cut short/) });
    const alerts = await sql<{ rule: string; state: string }>`SELECT rule, state FROM "620600_databases_alerts" WHERE instance_id = ${id}`.execute(h.app.flux.ctx.db);
    expect(alerts.rows).toContainEqual({ rule: 'backup_drill_failed', state: 'firing' });
    // No drill container is left behind.
    expect(h.runtime.containers.list({}).filter((c) => c.name.startsWith('drill-'))).toEqual([]);
  });
});
