import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/host.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// GET /engines never advertises an operation whose route answers 501 (on an instance of every
// engine, fake runtime, every route of every advertised operation is called); and every route that
// answers 501 belongs to an operation that engine does not advertise, or to none at all.
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** The routes of each operation flag, as OpenAPI paths; POST bodies a real client would send. */
const OPERATIONS: Record<string, string[]> = {
  supports_backup: [
    'POST /databases/{id}/snapshot', 'GET /databases/{id}/snapshots', 'GET /databases/{id}/snapshots/{sid}', 'GET /databases/{id}/export',
    'DELETE /databases/{id}/snapshots/{sid}', 'POST /databases/{id}/snapshots/{sid}/cancel', 'GET /databases/{id}/backups',
    'GET /databases/{id}/backup-policy', 'PUT /databases/{id}/backup-policy', 'DELETE /databases/{id}/backup-policy',
  ],
  supports_restore: ['POST /databases/{id}/restore/{sid}', 'POST /databases/{id}/import', 'POST /databases/{id}/snapshots/{sid}/verify'],
  supports_clone: ['POST /databases/{id}/clone'],
  supports_metrics: ['GET /databases/{id}/metrics'],
  supports_users: ['GET /databases/{id}/users', 'POST /databases/{id}/users'],
  supports_databases: ['GET /databases/{id}/databases', 'POST /databases/{id}/databases'],
  supports_rotation: ['POST /databases/{id}/credentials/rotate'],
  supports_browse: ['GET /databases/{id}/tables', 'GET /databases/{id}/tables/{name}/schema', 'GET /databases/{id}/tables/{name}/data'],
};
const BODIES: Record<string, object> = {
  'POST /databases/{id}/users': { username: 'probe_user', password: 'Probe-Passw0rd-Long-Enough', role: 'readonly' },
  'POST /databases/{id}/databases': { name: 'probe_db' },
  'POST /databases/{id}/clone': { name: 'probe-clone' },
  'PUT /databases/{id}/backup-policy': { schedule: '0 3 * * *', keep_last: 3, keep_daily: 7, keep_weekly: 4, keep_monthly: 6, verify: false },
};
const flagOf = (route: string) => Object.entries(OPERATIONS).find(([, routes]) => routes.includes(route))?.[0];

let h: FakeHost;
let engines: Record<string, any>[];
/** Every route of the module that acts on one instance, from its OpenAPI document. */
let instanceRoutes: string[];
let tls: { cert: string; key: string };
beforeAll(async () => {
  h = await fakeHost();
  engines = (await h.api('GET', '/engines')).json;
  const doc = (await h.api('GET', '/openapi.json')).json;
  instanceRoutes = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .filter(([p]) => p.startsWith('/api/modules/databases/databases/{id}/') || p.startsWith('/databases/{id}/'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/^\/api\/modules\/databases/, '')}`));
  const dir = await tempDir('flux-tls-');
  const [cert, key] = [path.join(dir.path, 'c.pem'), path.join(dir.path, 'k.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  tls = { cert: readFileSync(cert).toString('base64'), key: readFileSync(key).toString('base64') };
  await dir.remove();
}, 120_000);
afterAll(() => h?.close());

function call(route: string, id: number) {
  const [method, p] = route.split(' ') as [Method, string];
  return h.api(method, p.replace('{id}', String(id)).replace('{sid}', '1').replace('{name}', 'users'), method === 'POST' || method === 'PUT' ? BODIES[route] ?? {} : undefined);
}

describe('GET /engines and the routes of its operations', () => {
  it('knows the routes of every supports_* flag GET /engines shows, and they exist', () => {
    expect(instanceRoutes.length).toBeGreaterThan(10);
    const flags = new Set(engines.flatMap((e) => Object.keys(e).filter((k) => k.startsWith('supports_'))));
    for (const flag of flags) expect(flag === 'supports_tls' || flag in OPERATIONS, `no route known for ${flag}: add it to OPERATIONS`).toBe(true);
    for (const routes of Object.values(OPERATIONS)) for (const r of routes) expect(instanceRoutes, r).toContain(r);
  });

  it('on an instance of every engine: no advertised operation answers 501, and every 501 is an operation it does not advertise', async () => {
    const problems: string[] = [];
    for (const engine of engines) {
      const running = await h.createRunning({ engine: engine.engine, name: `cap-${engine.engine}` });
      for (const route of instanceRoutes) {
        const res = await call(route, running.id);
        if (res.status !== 501) continue;
        const flag = flagOf(route);
        // A route of no flag is an operation no engine advertises; a flag GET /engines leaves out is not advertised.
        if (flag !== undefined && engine[flag] === true) problems.push(`${engine.engine}: ${route} answers 501 but GET /engines advertises ${flag}`);
      }
      const res = await h.api('POST', '/databases', { engine: engine.engine, name: `tls-${engine.engine}`, tls_enabled: true, tls_cert: tls.cert, tls_key: tls.key });
      if (engine.supports_tls) {
        expect(res.status, `${engine.engine} advertises TLS: ${JSON.stringify(res.json)}`).toBe(202);
        await h.waitFor(res.json.id, ['running']);
        await h.api('DELETE', `/databases/${res.json.id}`);
      } else {
        expect(res.status, `${engine.engine} does not advertise TLS; a TLS create is refused`).toBe(400);
      }
      await h.api('DELETE', `/databases/${running.id}`);
    }
    expect(problems).toEqual([]);
  });
});
