import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type HostApp } from '../../host/build-host.js';
import { SessionStore } from '../../host/session.js';
import { serveUi } from '../../host/ui-static.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { MOUNT } from '../helpers/seed-routes.js';

const ADMIN = 'session-admin-token-0123456789abcdef';
const READER = 'session-read-token-0123456789abcdef';
let dir: Awaited<ReturnType<typeof tempDir>>;
let app: HostApp;

beforeAll(async () => {
  dir = await tempDir();
  app = await buildHost(testConfig(dir.path, {
    FLUX_ADMIN_TOKEN: ADMIN, FLUX_READ_TOKEN: READER, FLUX_DATABASES_START_PODMAN_SERVICE: 'false',
    FLUX_DATABASES_PODMAN_SOCKET: path.join(dir.path, 'no-podman.sock'),
  }), { logger: false });
});
afterAll(async () => {
  await app?.close();
  await dir?.remove();
});

async function signIn(body: object) {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: body });
  const setCookie = String(res.headers['set-cookie'] ?? '');
  return { res, setCookie, cookie: setCookie.split(';')[0]!, json: res.json() };
}

describe('browser sessions', () => {
  it('a token opens an HttpOnly, SameSite=Strict session whose cookie is not the token', async () => {
    const { res, setCookie, cookie, json } = await signIn({ token: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(setCookie).toMatch(/^flux_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(setCookie).not.toContain(ADMIN);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(json).toEqual({ role: 'admin', permissions: ['databases:read', 'databases:write'], csrf_token: expect.any(String), expires_at: expect.any(String) });
    const again = await app.inject({ url: '/api/session', headers: { cookie } });
    expect(again.json()).toEqual(json);
    expect((await app.inject({ url: `${MOUNT}/databases`, headers: { cookie } })).statusCode).toBe(200);
  });

  it('a write from a session needs its CSRF token', async () => {
    const { cookie, json } = await signIn({ token: ADMIN });
    const write = (headers: Record<string, string>) => app.inject({ method: 'POST', url: `${MOUNT}/databases`, headers: { cookie, ...headers }, payload: {} });
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': '' }] as Record<string, string>[]) {
      const res = await write(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toEqual({ error: 'FORBIDDEN', message: expect.stringContaining('x-csrf-token') });
    }
    // Past the guard: the empty body is the route's own 400.
    const res = await write({ 'x-csrf-token': json.csrf_token });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('BAD_REQUEST');
  });

  it('a read-token session reads and may not write', async () => {
    const { cookie, json } = await signIn({ token: READER });
    expect(json.role).toBe('read');
    expect(json.permissions).toEqual(['databases:read']);
    expect((await app.inject({ url: `${MOUNT}/databases`, headers: { cookie } })).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: `${MOUNT}/databases`, headers: { cookie, 'x-csrf-token': json.csrf_token }, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('databases:write');
  });

  it('refuses a wrong token, and a body with both or neither of token and code', async () => {
    const wrong = await signIn({ token: `${ADMIN}x` });
    expect(wrong.res.statusCode).toBe(401);
    expect(wrong.setCookie).toBe('');
    for (const body of [{}, { token: ADMIN, code: 'abc' }]) expect((await signIn(body)).res.statusCode).toBe(400);
    expect((await app.inject({ url: '/api/session' })).statusCode).toBe(401);
    expect((await app.inject({ url: `${MOUNT}/databases`, headers: { cookie: 'flux_session=made-up' } })).statusCode).toBe(401);
  });

  it('a request that names a bearer token is judged by it alone', async () => {
    const { cookie } = await signIn({ token: ADMIN });
    expect((await app.inject({ url: `${MOUNT}/databases`, headers: { cookie, ...bearer('not-a-token-0000000000') } })).statusCode).toBe(401);
    expect((await app.inject({ url: `${MOUNT}/databases`, headers: { cookie: 'flux_session=x', ...bearer(READER) } })).statusCode).toBe(200);
  });

  it('a one-time sign-in link works once', async () => {
    const code = app.flux.sessions.issueLink();
    const first = await signIn({ code });
    expect(first.res.statusCode).toBe(200);
    expect(first.json.role).toBe('admin');
    const second = await signIn({ code });
    expect(second.res.statusCode).toBe(401);
    expect(second.json.message).toMatch(/used already or has expired/);
  });

  it('signing out needs the CSRF token, then the cookie is worth nothing', async () => {
    const { cookie, json } = await signIn({ token: ADMIN });
    expect((await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } })).statusCode).toBe(403);
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, 'x-csrf-token': json.csrf_token } });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^flux_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    expect((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ url: `${MOUNT}/databases`, headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('the session store', () => {
  it('forgets a session and a link when they expire, and keeps at most maxSessions', () => {
    let now = 1_000;
    const store = new SessionStore({ ttlMs: 100, linkTtlMs: 50, maxSessions: 2, now: () => now });
    const a = store.open('admin');
    const code = store.issueLink('read');
    now += 60;
    expect(store.redeemLink(code)).toBeNull();
    expect(store.find(a.id)?.role).toBe('admin');
    now += 50;
    expect(store.find(a.id)).toBeNull();
    const [b, c, d] = [store.open('read'), store.open('read'), store.open('read')];
    expect(store.find(b.id)).toBeNull();
    expect(store.find(c.id)).not.toBeNull();
    expect(store.find(d.id)).not.toBeNull();
  });
});

describe('serving the built UI', () => {
  it('serves index.html for page paths, assets for good, and JSON 404s for the rest', async () => {
    const root = path.join(dir.path, 'dist');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>ui</title>');
    await writeFile(path.join(root, 'assets', 'main-abc123.js'), 'console.log(1)');
    const ui = Fastify();
    await serveUi(ui, root);
    try {
      for (const url of ['/', '/create', '/databases/7', '/system?x=1']) {
        const res = await ui.inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.body).toContain('<title>ui</title>');
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['cache-control']).toBe('no-cache');
      }
      const asset = await ui.inject({ url: '/assets/main-abc123.js' });
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      for (const url of ['/api/modules/nothing', '/missing.js']) {
        const res = await ui.inject({ url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json().error).toBe('NOT_FOUND');
      }
      expect((await ui.inject({ method: 'POST', url: '/create' })).statusCode).toBe(404);
    } finally {
      await ui.close();
    }
  });
});
