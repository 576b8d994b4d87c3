import { describe, expect, it } from 'vitest';
import { actionOf } from '../../src/http/audit-hook.js';
import { accountAudit } from '../../src/services/security/audit-accounts.js';
import type { AuditEntry } from '../../src/services/security/audit-log.js';
import { REDACTED, redactParams } from '../../src/services/security/audit-redact.js';

describe('audit parameters', () => {
  it('replace secret fields and PEM values, keep names, roles and key patterns, and bound the size', () => {
    const out = redactParams({
      body: {
        username: 'app_reader', role: 'readonly', keys: ['app:*'], keep_data: true, grace_seconds: 60,
        password: 'hunter2', new_password: 'x', tls_cert: 'QUJD', tls_key: 'QUJD', token: 't', api_key: 'k', secret: 's',
        note: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', long: 'x'.repeat(300),
        nested: { a: { b: { c: { d: 1 } } } }, list: Array.from({ length: 60 }, (_, i) => i),
      },
    });
    expect(out.body).toMatchObject({
      username: 'app_reader', role: 'readonly', keys: ['app:*'], keep_data: true, grace_seconds: 60,
      password: REDACTED, new_password: REDACTED, tls_cert: REDACTED, tls_key: REDACTED, token: REDACTED, api_key: REDACTED, secret: REDACTED,
      note: REDACTED, long: '[300 characters]', nested: { a: { b: '[nested]' } },
    });
    expect((out.body as { list: unknown[] }).list).toHaveLength(51);
    expect(JSON.stringify(out)).not.toMatch(/hunter2|AAAA/);
  });
});

describe('route actions', () => {
  it.each([
    ['POST', '/databases', 'databases.create'],
    ['POST', '/databases/:id/stop', 'databases.stop'],
    ['POST', '/databases/:id/credentials/rotate', 'databases.credentials.rotate'],
    ['POST', '/databases/:id/users', 'databases.users.create'],
    ['DELETE', '/databases/:id/users/:name', 'databases.users.delete'],
    ['DELETE', '/databases/:id', 'databases.delete'],
    ['PUT', '/databases/:id/tls', 'databases.tls.update'],
    ['POST', '/databases/:id/restore/:sid', 'databases.restore'],
    ['POST', '/reconcile', 'reconcile'],
    ['DELETE', '/orphans/:name', 'orphans.delete'],
  ])('%s %s is %s', (method, route, action) => {
    expect(actionOf(method, route)).toBe(action);
  });
});

describe('the accounts seam', () => {
  it('records the module\'s own account actions only: a route\'s are the hook\'s', async () => {
    const seen: AuditEntry[] = [];
    const seam = accountAudit({ record: async (e) => { seen.push(e); } });
    await seam.record({ action: 'users.create', instanceId: 1, caller: { actor: 'api', address: '127.0.0.1' }, params: { username: 'u' }, outcome: { ok: true } });
    await seam.record({ action: 'credentials.grace_end', instanceId: 1, caller: { actor: 'system' }, params: { username: 'u' }, outcome: { ok: false, code: 'ENGINE_REFUSED', status: 502 } });
    expect(seen).toEqual([{ actor: 'system', action: 'credentials.grace_end', instanceId: 1, params: { username: 'u' }, outcome: { ok: false, code: 'ENGINE_REFUSED', status: 502 } }]);
  });
});
