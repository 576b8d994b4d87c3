import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/services/scheduler/scheduler.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { run, snapshot } from './helpers/backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// A backup policy's retention over 70 days of a fake clock, on a real PostgreSQL: every scheduled
// run is a real pg_dump into an encrypted file; the files left are exactly those the policy keeps
// (grandfather-father-son, the newest verified one, never a manual one), and a failed run deletes nothing.
const clock = new FakeClock();
const policy = { schedule: '0 3 * * *', keep_last: 2, keep_daily: 3, keep_weekly: 2, keep_monthly: 2, verify: false };
let m: ModuleUnderTest;
let id: number;
let container: string;
let user: string;
let database: string;

/** psql over the container's own socket (trusted there): it works whatever the admin's password is. */
const local = (statement: string) => run('podman', ['exec', container, 'psql', '-U', user, '-d', database, '-X', '-v', 'ON_ERROR_STOP=1', '-tAc', statement]);

beforeAll(async () => {
  m = await startModule({}, undefined, { services: { background: new Scheduler(clock) } });
  const res = await m.api('POST', '/databases', { engine: 'postgresql', version: STANDIN_VERSIONS.postgresql, name: `b10-ret-${randomBytes(3).toString('hex')}` });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  id = res.body.id;
  container = (await m.waitFor(id, ['running'])).container_name;
  ({ username: user, database } = (await m.api('GET', `/databases/${id}/connection-string`)).body);
  await local("CREATE TABLE items (id int PRIMARY KEY, v text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 500) g");
}, 300_000);
afterAll(async () => {
  await m?.api('DELETE', `/databases/${id}`);
  await m?.close();
});

describe('retention on a fake clock', () => {
  it('over 70 days keeps exactly what the policy names, and never runs after a failed backup', async () => {
    const manual = await snapshot(m, id);
    expect(manual.status).toBe('completed');
    const set = await m.api('PUT', `/databases/${id}/backup-policy`, policy);
    expect(set.body).toEqual({ policy, next_run_at: '2026-12-02T03:00:00.000Z' });
    const scheduled = async () => (await m.api('GET', `/databases/${id}/snapshots`)).body.snapshots.filter((s: any) => s.kind === 'scheduled');
    const background = m.app.flux.services.background;
    // Only the policy's job runs on the fake clock: health, metrics and the rest would fire thousands of times a day.
    for (const job of background.jobViews()) if (!job.name.startsWith('backup:')) background.cancel(job.name);
    for (let day = 1; day <= 70; day++) {
      // Day 66's dump is refused by the server (the admin's password changed under it).
      if (day === 66) await local(`ALTER ROLE "${user}" PASSWORD 'not-the-module''s'`);
      const before = (await scheduled()).filter((s: any) => s.status === 'completed').length;
      await clock.advance(86_400_000);
      for (let i = 0; background.jobViews().find((j) => j.name === `backup:${id}`)!.runs < day; i++) {
        if (i > 6000) throw new Error(`run ${day} did not finish`);
        await sleep(10);
      }
      if (day === 10) {
        // A drill passed on this one: as the newest verified snapshot it outlives every rule.
        const newest = (await scheduled())[0];
        await sql`UPDATE "620600_databases_snapshots" SET verify_status = 'passed' WHERE id = ${newest.id}`.execute(m.app.flux.ctx.db);
      }
      if (day === 66) {
        const after = await scheduled();
        expect(after[0], JSON.stringify(after[0])).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/password authentication failed/) });
        expect(after.filter((s: any) => s.status === 'completed')).toHaveLength(before);
        const password = (await m.api('GET', `/databases/${id}/connection-string`)).body.password as string;
        await local(`ALTER ROLE "${user}" PASSWORD '${password.replace(/'/g, "''")}'`);
      }
    }
    const kept = (await scheduled()).filter((s: any) => s.status === 'completed').map((s: any) => s.created_at.slice(0, 10));
    expect(kept).toEqual(['2027-02-09', '2027-02-08', '2027-02-07', '2027-01-31', '2026-12-11']);
    expect((await m.api('GET', `/databases/${id}/snapshots/${manual.id}`)).body.status).toBe('completed');
    // On disk: exactly the files of the snapshots kept, each a real dump that restores.
    const files = await readdir(path.join(m.dataDir, 'modules', 'databases', 'backups', `instance-${id}`));
    const all = (await m.api('GET', `/databases/${id}/snapshots`)).body.snapshots.filter((s: any) => s.status === 'completed');
    expect(files.sort()).toEqual(all.map((s: any) => `snapshot-${s.id}.dump.enc`).sort());
    expect(all.map((s: any) => s.kind).sort()).toEqual(['manual', 'scheduled', 'scheduled', 'scheduled', 'scheduled', 'scheduled']);
    expect(all.every((s: any) => s.size_bytes > 1000 && /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
  }, 900_000);
});
