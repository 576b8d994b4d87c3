import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost } from '../../host/build-host.js';
import { DATA_SUBDIRS } from '../../src/hooks.js';
import { schedulerFor } from '../../src/services/scheduler/scheduler.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { freePort } from '../helpers/postgres-server.js';
import { MOUNT } from '../helpers/seed-routes.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
const tokensFile = () => path.join(dir.path, 'host-tokens.json');
const readTokens = async () => JSON.parse(await readFile(tokensFile(), 'utf8')) as { admin: string; read: string };
// Only config the test sets: no host service start, no install.
const quiet = { FLUX_DATABASES_START_PODMAN_SERVICE: 'false' };

beforeAll(async () => { dir = await tempDir(); });
afterAll(() => dir?.remove());

describe('the stand-in host', () => {
  it('starts on a fresh data dir: tokens file 0600, data dirs 0700, UI at /', async () => {
    const app = await buildHost(testConfig(dir.path, quiet), { logger: false });
    try {
      expect(((await stat(tokensFile())).mode & 0o777).toString(8)).toBe('600');
      const tokens = await readTokens();
      expect(tokens.admin).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(tokens.read).not.toBe(tokens.admin);
      expect(app.flux.tokensFile).toBe(tokensFile());
      expect(app.flux.storeKind).toBe('pglite');
      for (const sub of DATA_SUBDIRS) {
        expect(((await stat(path.join(dir.path, 'modules/databases', sub))).mode & 0o777).toString(8)).toBe('700');
      }
      expect(app.flux.enable).toMatchObject({ success: true, message: 'Databases module (ID: 620600) initialized' });
      const ui = await app.inject({ method: 'GET', url: '/' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      expect((await app.inject({ url: `${MOUNT}/status`, headers: bearer(tokens.admin) })).statusCode).toBe(200);
      // The disable hook (on close) stops what the module registered.
      const tasks = schedulerFor(app.flux.ctx);
      const before = tasks.size;
      tasks.every('test-probe', 60_000, async () => undefined);
      expect(tasks.size).toBe(before + 1);
      await app.close();
      expect(tasks.size).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('keeps its tokens on the next start', async () => {
    const before = await readTokens();
    const app = await buildHost(testConfig(dir.path, quiet), { logger: false });
    try {
      expect(await readTokens()).toEqual(before);
      expect((await app.inject({ url: `${MOUNT}/skus`, headers: bearer(before.read) })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('lets FLUX_ADMIN_TOKEN and FLUX_READ_TOKEN override the file', async () => {
    const fromFile = await readTokens();
    const env = { ...quiet, FLUX_ADMIN_TOKEN: 'admin-token-from-env-0123456789', FLUX_READ_TOKEN: 'read-token-from-env-0123456789' };
    const app = await buildHost(testConfig(dir.path, env), { logger: false });
    try {
      expect(app.flux.tokensFile).toBeNull();
      const status = (token: string, method: 'GET' | 'POST' = 'GET', url = '/status') =>
        app.inject({ method, url: MOUNT + url, headers: bearer(token) }).then((r) => r.statusCode);
      expect(await status(env.FLUX_ADMIN_TOKEN)).toBe(200);
      expect(await status(env.FLUX_READ_TOKEN)).toBe(200);
      expect(await status(env.FLUX_READ_TOKEN, 'POST', '/databases')).toBe(403);
      expect(await status(fromFile.admin)).toBe(401);
      expect(await readTokens()).toEqual(fromFile);
    } finally {
      await app.close();
    }
  });

  it('`npm start` serves the API and prints where the tokens are, never a token', async () => {
    const port = await freePort();
    const child = spawn('npx', ['tsx', 'host/server.ts'], {
      env: { ...process.env, FLUX_DATA_DIR: dir.path, PORT: String(port), LOG_LEVEL: 'info', ...quiet },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes('API tokens') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain(`http://127.0.0.1:${port}/`);
      expect(output).toContain(tokensFile());
      const { admin, read } = await readTokens();
      const res = await fetch(`http://127.0.0.1:${port}${MOUNT}/status`, { headers: bearer(admin) });
      expect(res.status).toBe(200);
      expect(output).not.toContain(admin);
      expect(output).not.toContain(read);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(output).not.toContain((await readTokens()).admin);
  });

  it('refuses a bad variable, naming it', async () => {
    const child = spawn('npx', ['tsx', 'host/server.ts'], { env: { ...process.env, FLUX_DATA_DIR: dir.path, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (d) => { output += d; });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(output).toContain('PORT');
  });
});
