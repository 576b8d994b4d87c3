import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { buildHost, type HostApp, type HostOverrides } from '../../../host/build-host.js';
import { installationId } from '../../../src/services/index.js';
import { bearer, tempDir, testConfig } from '../../helpers/host.js';

const run = promisify(execFile);

export const ADMIN = 'e2e-admin-token-0123456789abcdef';
export const READER = 'e2e-read-token-0123456789abcdef';

/** Stand-in versions: each names the official tag whose contract the stand-in image honours. */
export const STANDIN_VERSIONS: Record<string, string> = {
  postgresql: '15', timescaledb: '2.26.0-pg17', mariadb: '11.8', mysql: '8.4', redis: '7.2', valkey: '8.1',
  keydb: 'x86_64_v6.3.4', influxdb: '1.6', clickhouse: '18.16', h2: '2.2.224', duckdb: '1.5',
};

/** Image overrides and the socket from the environment that global-setup prepared. */
function passThroughEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env)
    .filter(([k, v]) => v && (/^FLUX_DATABASES_IMAGE_/.test(k) || k === 'FLUX_DATABASES_PODMAN_SOCKET'))) as Record<string, string>;
}

export interface ModuleUnderTest {
  app: HostApp;
  dataDir: string;
  api<T = any>(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  waitFor(id: number, statuses: string[], timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

/** `host`: further buildHost overrides (services, a shared store, hooks on the bare Fastify instance). */
export async function startModule(env: Record<string, string> = {}, dir?: string, host: HostOverrides = {}): Promise<ModuleUnderTest> {
  const data = dir ? { path: dir, remove: async () => {} } : await tempDir('flux-e2e-');
  const app = await buildHost(testConfig(data.path, {
    FLUX_ADMIN_TOKEN: ADMIN, FLUX_READ_TOKEN: READER, FLUX_DATABASES_PORT_RANGE: '31000-31999', ...passThroughEnv(), ...env,
  }), { logger: false, ...host });
  const api = async (method: string, url: string, body?: unknown, token = ADMIN) => {
    const res = await app.inject({ method: method as never, url: `/api/modules/databases${url}`, headers: bearer(token), ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  return {
    app, dataDir: data.path, api,
    async waitFor(id, statuses, timeoutMs = 240_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await api('GET', `/databases/${id}`);
        if (statuses.includes(body.status)) return body;
        if (body.status === 'failed' && !statuses.includes('failed')) throw new Error(`instance ${id} failed: ${body.error_message}`);
        if (Date.now() > deadline) throw new Error(`instance ${id} stayed ${body.status} (${body.status_message})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async close() { await app.close(); await data.remove(); },
  };
}

/** Containers Podman holds for one instance id of this module. */
/**
 * The containers of instance `instanceId` of the module whose host keeps its data in `hostDataDir`
 * (another module under test numbers its instances from 1 too).
 */
export async function containersOf(instanceId: number, hostDataDir: string): Promise<string[]> {
  const installation = installationId(path.join(hostDataDir, 'modules', 'databases'));
  const { stdout } = await run('podman', ['ps', '-a', '--format', '{{.Names}}', '--filter', 'label=io.flux.module=620600',
    '--filter', `label=io.flux.databases.instance=${instanceId}`, '--filter', `label=io.flux.databases.installation=${installation}`]);
  return stdout.split('\n').filter(Boolean);
}

export function expectNoSecret(payload: unknown, secret: string): void {
  expect(JSON.stringify(payload)).not.toContain(secret);
}
