import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logCapture, sampleProcesses } from './helpers/account-clients.js';
import { ADMIN, READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

const run = promisify(execFile);

// The audit trail of a scripted session on a real Redis with TLS: create, stop, start, rotate, a
// user, a certificate replacement, a container stopped behind the module's back (the health
// monitor's alert fires) that the reconciler brings back, delete. Each action is in GET /audit with the right actor and outcome,
// and no secret (passwords, the TLS key, the tokens) is in the trail, the module's log lines, or
// any process's argv while the session ran.
const log = logCapture();
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule({}, undefined, { logger: log.logger }); });
const created: number[] = [];
afterAll(async () => {
  for (const id of created) await m?.api('DELETE', `/databases/${id}`);
  await m?.close();
});

describe('a scripted session', () => {
  it('is recorded action by action, with the right actor and outcome, and no secret anywhere', async () => {
    const name = `audit-redis-${randomBytes(3).toString('hex')}`;
    const ps = sampleProcesses();
    const secrets: string[] = [ADMIN, READER];
    const ok = (res: { status: number; body: unknown }, status = 200) => expect(res.status, JSON.stringify(res.body)).toBe(status);

    const answer = await m.api('POST', '/databases', { engine: 'redis', version: STANDIN_VERSIONS.redis, name, sku: 'b1', tls_enabled: true });
    ok(answer, 202);
    const id = answer.body.id as number;
    created.push(id);
    await m.waitFor(id, ['running']);
    secrets.push((await m.api('GET', `/databases/${id}/connection-string`)).body.password);
    const tlsDir = path.join(m.app.flux.ctx.dataDir, 'containers', `db-${name}`, 'tls');
    secrets.push((await readFile(path.join(tlsDir, 'server.key'), 'utf8')).split('\n')[1]!);

    ok(await m.api('POST', `/databases/${id}/stop`));
    ok(await m.api('POST', `/databases/${id}/start`));
    // The new password in the request body: the hook sees it and must not keep it.
    const rotatedPassword = `Audit-Rotate-${randomBytes(12).toString('hex')}`;
    const rotated = await m.api('POST', `/databases/${id}/credentials/rotate`, { password: rotatedPassword });
    ok(rotated);
    expect(rotated.body.password).toBe(rotatedPassword);
    secrets.push(rotatedPassword);
    const userPassword = `Audit-User-${randomBytes(12).toString('hex')}`;
    secrets.push(userPassword);
    ok(await m.api('POST', `/databases/${id}/users`, { username: 'audit_reader', password: userPassword, role: 'readonly', keys: ['app:*'] }), 201);
    const refused = await m.api('PUT', `/databases/${id}/tls`, {}, READER);
    expect(refused.status).toBe(403);
    ok(await m.api('PUT', `/databases/${id}/tls`, {}));
    secrets.push((await readFile(path.join(tlsDir, 'server.key'), 'utf8')).split('\n')[1]!);

    // Behind the module's back; the reconciler notices and starts it again.
    const row = await m.app.flux.services.instances.get(id);
    await run('podman', ['stop', '-t', '2', row.container_id!]);
    // The health monitor sees the death in Podman's events first (unhealthy, and an alert fires);
    // waiting for both keeps its transition from racing the reconciler's start.
    const deadline = Date.now() + 60_000;
    const fired = async () => ((await m.api('GET', `/audit?instance=${id}&action=alerts.fire`, undefined, READER)).body as unknown[]).length > 0;
    while ((await m.api('GET', `/databases/${id}`)).body.status !== 'unhealthy' || !(await fired())) {
      expect(Date.now() < deadline, 'the health monitor marked the stopped container unhealthy and fired an alert').toBe(true);
      await new Promise((r) => setTimeout(r, 250));
    }
    const report = await m.app.flux.services.reconciler.run();
    expect(report.changes.find((c) => c.id === id), JSON.stringify(report.changes)).toMatchObject({ from: 'unhealthy', to: 'running' });
    ok(await m.api('DELETE', `/databases/${id}`));
    const argv = await ps.stop();

    const trail = ((await m.api('GET', `/audit?instance=${id}&limit=1000`, undefined, READER)).body as any[]).reverse();
    // The alert's resolution comes from the alert service's own sweep, whenever it runs: not in the sequence.
    const summary = trail.filter((r) => r.action !== 'alerts.resolve').map((r) => `${r.actor} ${r.action} ${r.outcome}${r.status ? ` ${r.status}` : ''}`);
    for (const r of trail.filter((x) => x.action === 'alerts.resolve')) expect(r).toMatchObject({ actor: 'system', outcome: 'succeeded' });
    expect(summary).toEqual([
      'token:admin databases.create succeeded 202',
      'token:admin databases.stop succeeded 200',
      'token:admin databases.start succeeded 200',
      'token:admin databases.credentials.rotate succeeded 200',
      'token:admin databases.users.create succeeded 201',
      'token:read databases.tls.update failed 403',
      'token:admin databases.tls.update succeeded 200',
      'system alerts.fire succeeded',
      'system reconcile.change succeeded',
      'token:admin databases.delete succeeded 200',
    ]);
    expect(trail.find((r) => r.action === 'databases.credentials.rotate').params.body).toEqual({ password: '[redacted]' });
    expect(trail.find((r) => r.action === 'databases.users.create').params.body).toMatchObject({ username: 'audit_reader', role: 'readonly', keys: ['app:*'], password: '[redacted]' });
    expect(trail.find((r) => r.action === 'reconcile.change').params).toMatchObject({ from: 'unhealthy', to: 'running' });
    expect(trail.find((r) => r.action === 'alerts.fire').params).toMatchObject({ rule: 'unhealthy' });
    expect(trail.find((r) => r.actor === 'token:read').error_code).toBe('FORBIDDEN');
    for (const r of trail.filter((x) => x.source === 'api')) expect(r.address).toBe('127.0.0.1');

    const everything = `${JSON.stringify(trail)}\n${log.lines.join('\n')}`;
    expect(log.lines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(everything).not.toContain(secret);
      for (const line of argv) expect(line).not.toContain(secret);
    }
  });
});
