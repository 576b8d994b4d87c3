/**
 * The module as an operator runs it: the Flux host stand-in on the embedded store (PGlite),
 * listening on a loopback port, driven over HTTP with a bearer token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildHost, type HostApp } from '../host/build-host.js';
import { loadConfig } from '../src/config.js';
import { sleep } from './bench-clients.js';

export interface BenchModule {
  app: HostApp;
  /** http://127.0.0.1:<port> and the admin token, for requests timed without the helpers' JSON parsing. */
  base: string;
  token: string;
  call<T = any>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** POST /databases, then GET /databases/{id} every `pollMs` until `running`; ms from the POST. */
  createUntilRunning(body: Record<string, unknown>, pollMs?: number): Promise<{ id: number; ms: number }>;
  /** POST every body at once, then GET /databases every `pollMs` until all are `running`; ms from the first POST. */
  createManyUntilRunning(bodies: Record<string, unknown>[], pollMs?: number): Promise<{ ids: number[]; ms: number }>;
  close(): Promise<void>;
}

export async function startBenchModule(env: Record<string, string>): Promise<BenchModule> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flux-bench-host-'));
  const token = randomBytes(24).toString('hex');
  const app = await buildHost(loadConfig({
    FLUX_DATA_DIR: dir, LOG_LEVEL: 'silent', FLUX_ADMIN_TOKEN: token, FLUX_READ_TOKEN: randomBytes(24).toString('hex'),
    // Background work would only add noise to the figures.
    FLUX_DATABASES_RECONCILE_INTERVAL_S: '86400', FLUX_DATABASES_HEALTH_INTERVAL_S: '86400',
    FLUX_DATABASES_METRICS_INTERVAL_S: '86400', FLUX_DATABASES_STORAGE_INTERVAL_S: '86400',
    ...env,
  }), { logger: false });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}/api/modules/databases${url}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    app, base, token, call,
    async createUntilRunning(body, pollMs = 20) {
      const t0 = performance.now();
      const created = await call('POST', '/databases', body);
      if (created.status !== 202) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
      const id = created.body.id as number;
      for (;;) {
        const { body: row } = await call('GET', `/databases/${id}`);
        if (row.status === 'running') return { id, ms: performance.now() - t0 };
        if (row.status === 'failed') throw new Error(`instance ${id} failed: ${row.error_message}`);
        if (performance.now() - t0 > 180_000) throw new Error(`instance ${id} stayed ${row.status}`);
        await sleep(pollMs);
      }
    },
    async createManyUntilRunning(bodies, pollMs = 50) {
      const t0 = performance.now();
      const created = await Promise.all(bodies.map((b) => call('POST', '/databases', b)));
      const bad = created.find((c) => c.status !== 202);
      if (bad) throw new Error(`create answered ${bad.status}: ${JSON.stringify(bad.body)}`);
      const ids = created.map((c) => c.body.id as number);
      for (;;) {
        const rows = ((await call('GET', '/databases')).body as { id: number; status: string; error_message: string | null }[]).filter((r) => ids.includes(r.id));
        const failed = rows.find((r) => r.status === 'failed');
        if (failed) throw new Error(`instance ${failed.id} failed: ${failed.error_message}`);
        if (rows.length === ids.length && rows.every((r) => r.status === 'running')) return { ids, ms: performance.now() - t0 };
        if (performance.now() - t0 > 300_000) throw new Error('the instances did not all run within 300 s');
        await sleep(pollMs);
      }
    },
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
