import { setTimeout as sleep } from 'node:timers/promises';
import { buildHost, type HostApp, type HostOverrides } from '../../host/build-host.js';
import type { Store } from '../../src/db/store.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { FakeProber } from './fake-prober.js';
import { FakeRuntime } from './fake-runtime.js';

export const MOUNT = '/api/modules/databases';
const ADMIN = 'admin-token-for-fake-host-0123456789';
const READER = 'read-token-for-fake-host-0123456789';

export interface FakeHost {
  app: HostApp;
  runtime: FakeRuntime;
  prober: FakeProber;
  dataDir: string;
  /** The module's own data directory (`<dataDir>/modules/databases`). */
  moduleDir: string;
  /** Calls the module's API as the admin (or as the reader with `{ as: 'read' }`). */
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object, options?: { as?: 'admin' | 'read' }): Promise<{ status: number; json: any }>;
  /** Polls GET /databases/{id} until its status is one of `statuses`; fails with the last row otherwise. */
  waitFor(id: number, statuses: string[], timeoutMs?: number): Promise<any>;
  /** Creates an instance and waits until it is running. */
  createRunning(body: object): Promise<any>;
  close(): Promise<void>;
}

/**
 * The stand-in host on PGlite with the fake runtime and the scripted prober in place of Podman
 * and the network. No Podman socket is configured, so nothing reaches the real Podman; the
 * periodic reconciliation is off (a test runs it through POST /reconcile or the reconciler).
 */
export async function fakeHost(options: { env?: Record<string, string>; store?: Store; runtime?: FakeRuntime; host?: Omit<HostOverrides, 'store'> } = {}): Promise<FakeHost> {
  const dir = await tempDir('flux-fake-host-');
  const runtime = options.runtime ?? new FakeRuntime();
  const prober = new FakeProber(runtime);
  const config = testConfig(dir.path, {
    FLUX_ADMIN_TOKEN: ADMIN, FLUX_READ_TOKEN: READER,
    FLUX_DATABASES_START_PODMAN_SERVICE: 'false',
    FLUX_DATABASES_PODMAN_SOCKET: `${dir.path}/no-podman.sock`,
    FLUX_DATABASES_RECONCILE_INTERVAL_S: '86400',
    ...options.env,
  });
  const app = await buildHost(config, {
    logger: false, ...options.host, store: options.store, services: { runtime, prober: prober.prober, ...options.host?.services },
  });
  const api: FakeHost['api'] = async (method, path, body, opts = {}) => {
    const res = await app.inject({ method, url: MOUNT + path, headers: bearer(opts.as === 'read' ? READER : ADMIN), ...(body ? { payload: body } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };
  const waitFor: FakeHost['waitFor'] = async (id, statuses, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await api('GET', `/databases/${id}`)).json;
      if (statuses.includes(last?.status)) return last;
      if (last?.status === 'failed') throw new Error(`instance ${id} failed while waiting for ${statuses.join('/')}: ${last.error_message}`);
      await sleep(20);
    }
    throw new Error(`instance ${id} did not reach ${statuses.join('/')} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  };
  // The plugin reconciles once at start; a run queued now returns after it, so tests start from a settled module.
  await app.flux.services.reconciler.run();
  return {
    app, runtime, prober, dataDir: dir.path, moduleDir: app.flux.ctx.dataDir, api, waitFor,
    async createRunning(body) {
      const created = await api('POST', '/databases', body);
      if (created.status !== 202) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
      return waitFor(created.json.id, ['running']);
    },
    async close() {
      await app.close();
      await dir.remove();
    },
  };
}
