/**
 * The offline stand-in images (src/images, images/<engine>) against real clients. Each engine runs
 * hardened (--cap-drop=ALL plus its minimal capabilities, no-new-privileges, --read-only with tmpfs,
 * a fresh bind-mounted data dir, published on 127.0.0.1 only), answers a real client, stops cleanly,
 * keeps its data across a restart, and then runs again as its service uid with no capability at all.
 * FLUX_STANDIN_ENGINES=redis,h2 narrows the run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, lchown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StandinEngine } from '../../src/images/kit.js';

interface Target {
  port: number;
  password: string;
}

interface StandinCase {
  engine: StandinEngine;
  /** Container port published on 127.0.0.1 and used by the client. */
  containerPort: number;
  dataDir: string;
  /** Capabilities added after --cap-drop=ALL when the container starts as root and steps down. */
  caps: string[];
  /** uid:gid for the capability-free run on a pre-owned data dir. */
  runAs: string;
  /** Writable paths needed besides the data dir under --read-only. */
  tmpfs: string[];
  env: (password: string) => Record<string, string>;
  /** Writes something that must survive a restart; throws until the engine answers. */
  write: (t: Target) => Promise<void>;
  /** Reads it back after the restart. */
  read: (t: Target) => Promise<void>;
}

const pgCheck = async (t: Target, database: string, user: string, sql: string[]) => {
  const c = new PgClient({ host: '127.0.0.1', port: t.port, user, password: t.password, database, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    const rows: unknown[][] = [];
    for (const q of sql) rows.push((await c.query({ text: q, rowMode: 'array' })).rows);
    return rows;
  } finally {
    await c.end();
  }
};

const mysqlCheck = async (t: Target, user: string, database: string, sql: string[]) => {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: t.port, user, password: t.password, database, connectTimeout: 3000 });
  try {
    const out: unknown[] = [];
    for (const q of sql) out.push((await c.query(q))[0]);
    return out;
  } finally {
    await c.end();
  }
};

const redisCheck = async (t: Target, fn: (r: Redis) => Promise<void>) => {
  const opts = { host: '127.0.0.1', port: t.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false };
  const noAuth = new Redis(opts);
  noAuth.on('error', () => undefined); // failures surface through the awaited calls
  await noAuth.connect();
  try {
    await expect(noAuth.get('k')).rejects.toThrow(/NOAUTH/);
  } finally {
    noAuth.disconnect();
  }
  const r = new Redis({ ...opts, password: t.password });
  r.on('error', () => undefined);
  await r.connect();
  try {
    await fn(r);
  } finally {
    r.disconnect();
  }
};

const http = async (url: string, init: RequestInit = {}) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
};

const influxAuth = (pw: string) => ({ Authorization: `Basic ${Buffer.from(`admin:${pw}`).toString('base64')}` });
const chHeaders = (pw: string) => ({ 'X-ClickHouse-User': 'app', 'X-ClickHouse-Key': pw });

/** Enough for every entrypoint's root path: hand the dirs over, then setpriv to the service account. */
const STEP_DOWN_CAPS = ['CHOWN', 'SETUID', 'SETGID'];

const CASES: StandinCase[] = [
  {
    engine: 'postgresql', containerPort: 5432, dataDir: '/var/lib/postgresql/data', caps: STEP_DOWN_CAPS, runAs: '999:999',
    tmpfs: ['/tmp', '/run/postgresql'],
    env: (pw) => ({ POSTGRES_PASSWORD: pw, POSTGRES_USER: 'app', POSTGRES_DB: 'appdb' }),
    write: async (t) => {
      await pgCheck(t, 'appdb', 'app', ['CREATE TABLE kept (v text)', "INSERT INTO kept VALUES ('hello')"]);
    },
    read: async (t) => {
      const [rows] = await pgCheck(t, 'appdb', 'app', ['SELECT v FROM kept']);
      expect(rows).toEqual([['hello']]);
      await expect(pgCheck({ ...t, password: 'wrong' }, 'appdb', 'app', ['SELECT 1'])).rejects.toThrow(/password/);
    },
  },
  {
    engine: 'timescaledb', containerPort: 5432, dataDir: '/var/lib/postgresql/data', caps: STEP_DOWN_CAPS, runAs: '999:999',
    tmpfs: ['/tmp', '/run/postgresql'],
    env: (pw) => ({ POSTGRES_PASSWORD: pw, POSTGRES_USER: 'app', POSTGRES_DB: 'appdb' }),
    write: async (t) => {
      const [, ext] = await pgCheck(t, 'appdb', 'app', [
        'CREATE EXTENSION IF NOT EXISTS timescaledb',
        'SELECT extname FROM pg_extension ORDER BY 1',
        'CREATE TABLE m (t timestamptz NOT NULL, v int)',
        "SELECT create_hypertable('m', 't')",
        'INSERT INTO m VALUES (now(), 42)',
      ]);
      expect(ext!.flat()).toContain('timescaledb');
    },
    read: async (t) => {
      const [rows, ht] = await pgCheck(t, 'appdb', 'app', ['SELECT v FROM m', 'SELECT hypertable_name FROM timescaledb_information.hypertables']);
      expect(rows).toEqual([[42]]);
      expect(ht).toEqual([['m']]);
    },
  },
  ...(['mariadb', 'mysql'] as const).map((engine): StandinCase => {
    const prefix = engine === 'mysql' ? 'MYSQL' : 'MARIADB';
    return {
      engine, containerPort: 3306, dataDir: '/var/lib/mysql', caps: STEP_DOWN_CAPS, runAs: '999:999',
      tmpfs: ['/tmp', '/run/mysqld'],
      env: (pw) => ({ [`${prefix}_ROOT_PASSWORD`]: pw, [`${prefix}_DATABASE`]: 'appdb', [`${prefix}_USER`]: 'app', [`${prefix}_PASSWORD`]: pw }),
      write: async (t) => {
        await mysqlCheck(t, 'app', 'appdb', ['CREATE TABLE kept (v varchar(20))', "INSERT INTO kept VALUES ('hello')"]);
      },
      read: async (t) => {
        const [rows] = await mysqlCheck(t, 'app', 'appdb', ['SELECT v FROM kept']);
        expect(rows).toEqual([{ v: 'hello' }]);
        const [dbs] = await mysqlCheck(t, 'root', 'mysql', ['SHOW DATABASES']);
        expect(JSON.stringify(dbs)).toContain('appdb');
        await expect(mysqlCheck({ ...t, password: 'wrong' }, 'root', 'mysql', ['SELECT 1'])).rejects.toThrow(/Access denied/);
      },
    };
  }),
  ...(['redis', 'valkey', 'keydb'] as const).map((engine): StandinCase => ({
    engine, containerPort: 6379, dataDir: '/data', caps: STEP_DOWN_CAPS, runAs: '999:999',
    tmpfs: ['/tmp'],
    env: (pw) => ({ REDIS_PASSWORD: pw }),
    write: (t) => redisCheck(t, async (r) => {
      await r.set('kept', 'hello');
      expect(await r.save()).toBe('OK');
    }),
    read: (t) => redisCheck(t, async (r) => {
      expect(await r.get('kept')).toBe('hello');
    }),
  })),
  {
    engine: 'influxdb', containerPort: 8086, dataDir: '/var/lib/influxdb', caps: STEP_DOWN_CAPS, runAs: '1500:1500',
    tmpfs: ['/tmp'],
    env: (pw) => ({ INFLUXDB_DB: 'appdb', INFLUXDB_ADMIN_USER: 'admin', INFLUXDB_ADMIN_PASSWORD: pw, INFLUXDB_HTTP_AUTH_ENABLED: 'true' }),
    write: async (t) => {
      const base = `http://127.0.0.1:${t.port}`;
      expect((await http(`${base}/ping`)).status).toBe(204);
      const w = await http(`${base}/write?db=appdb`, { method: 'POST', headers: influxAuth(t.password), body: 'cpu,host=a value=42' });
      expect(w.status, w.body).toBe(204);
    },
    read: async (t) => {
      const base = `http://127.0.0.1:${t.port}`;
      const q = encodeURIComponent('SELECT value FROM cpu');
      const r = await http(`${base}/query?db=appdb&q=${q}`, { headers: influxAuth(t.password) });
      expect(r.status, r.body).toBe(200);
      expect(r.body).toContain('42');
      expect((await http(`${base}/query?db=appdb&q=${q}`)).status).toBe(401);
    },
  },
  {
    engine: 'clickhouse', containerPort: 8123, dataDir: '/var/lib/clickhouse', caps: STEP_DOWN_CAPS, runAs: '101:101',
    tmpfs: ['/tmp', '/etc/clickhouse-server/users.d'],
    env: (pw) => ({ CLICKHOUSE_USER: 'app', CLICKHOUSE_PASSWORD: pw, CLICKHOUSE_DB: 'appdb' }),
    write: async (t) => {
      const base = `http://127.0.0.1:${t.port}`;
      const one = await http(`${base}/?query=${encodeURIComponent('SELECT 1')}`, { headers: chHeaders(t.password) });
      expect(one, one.body).toEqual({ status: 200, body: '1\n' });
      for (const q of ['CREATE TABLE appdb.kept (v String) ENGINE = MergeTree ORDER BY v', "INSERT INTO appdb.kept VALUES ('hello')"]) {
        const r = await http(`${base}/`, { method: 'POST', headers: chHeaders(t.password), body: q });
        expect(r.status, r.body).toBe(200);
      }
    },
    read: async (t) => {
      const base = `http://127.0.0.1:${t.port}`;
      const r = await http(`${base}/?query=${encodeURIComponent('SELECT v FROM appdb.kept')}`, { headers: chHeaders(t.password) });
      expect(r).toEqual({ status: 200, body: 'hello\n' });
      const bad = await http(`${base}/?query=SELECT%201`, { headers: chHeaders('wrong') });
      expect(bad.status).not.toBe(200);
    },
  },
  {
    engine: 'h2', containerPort: 5435, dataDir: '/opt/h2-data', caps: STEP_DOWN_CAPS, runAs: '1000:1000',
    tmpfs: ['/tmp'],
    env: () => ({}),
    // The first connection creates the database and makes its user and password the admin (-ifNotExists).
    write: async (t) => {
      await pgCheck(t, 'appdb', 'app', ['CREATE TABLE kept (v varchar(20))', "INSERT INTO kept VALUES ('hello')"]);
    },
    read: async (t) => {
      const [rows] = await pgCheck(t, 'appdb', 'app', ['SELECT v FROM kept']);
      expect(rows).toEqual([['hello']]);
      await expect(pgCheck({ ...t, password: 'wrong' }, 'appdb', 'app', ['SELECT 1'])).rejects.toThrow();
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The runs: podman CLI through argv (never a shell string), secrets through the CLI's environment.

const UID_TAG = `${process.pid}-${Date.now().toString(36)}`;

function podman(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('podman', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}

async function podmanOk(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await podman(args, env);
  if (r.code !== 0) throw new Error(`podman ${args[0]} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Retries fn until it passes; the last error explains a timeout. */
async function eventually<T>(fn: () => Promise<T>, timeoutMs: number, container: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) {
        const logs = await podman(['logs', '--tail', '30', container]);
        throw new Error(`${container} not ready after ${timeoutMs} ms: ${(e as Error).message}\n--- logs ---\n${logs.stdout}\n${logs.stderr}`);
      }
      const state = await podman(['inspect', '--format', '{{.State.Status}}', container]);
      if (state.stdout === 'exited') {
        const logs = await podman(['logs', '--tail', '30', container]);
        throw new Error(`${container} exited: ${logs.stdout}\n${logs.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

interface RunSpec {
  name: string;
  image: string;
  c: StandinCase;
  dataHostDir: string;
  port: number;
  password: string;
  /** Capability-free run as the service account (data dir pre-owned) instead of root + caps. */
  asUser: boolean;
}

async function runContainer(s: RunSpec): Promise<void> {
  const env = s.c.env(s.password);
  const args = [
    'run', '-d', '--name', s.name, '--label', 'io.flux.databases.purpose=standin-image-test',
    '--cap-drop=ALL', ...(s.asUser ? ['--user', s.c.runAs] : s.c.caps.map((cap) => `--cap-add=${cap}`)),
    '--security-opt', 'no-new-privileges',
    // This host's hard limits are below Podman's defaults for both (see LOCAL-FACTS.md).
    '--ulimit', 'nofile=16384:16384', '--ulimit', 'nproc=16384:16384',
    '--read-only', ...s.c.tmpfs.flatMap((t) => ['--tmpfs', `${t}:rw,nosuid,nodev,mode=1777`]),
    '-v', `${s.dataHostDir}:${s.c.dataDir}`,
    '-p', `127.0.0.1:${s.port}:${s.c.containerPort}`,
    // Names only: podman takes the values from its own environment, so no secret is in argv.
    ...Object.keys(env).flatMap((k) => ['-e', k]),
    s.image,
  ];
  await podmanOk(args, env);
}

/** podman stop must be a clean shutdown on SIGTERM (or the image's STOPSIGNAL), not a SIGKILL. */
async function stopCleanly(name: string): Promise<number> {
  const t0 = Date.now();
  await podmanOk(['stop', '--time', '30', name]);
  const code = Number(await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', name]));
  expect([0, 143], `${name} exit code after podman stop`).toContain(code);
  return Date.now() - t0;
}

let images: Record<string, string> = {};
beforeAll(() => {
  images = inject('standinImages');
});

describe.each(CASES.filter((c) => !process.env.FLUX_STANDIN_ENGINES || process.env.FLUX_STANDIN_ENGINES.split(',').includes(c.engine)))('stand-in $engine', (c) => {
  const names: string[] = [];
  let dir = '';
  afterAll(async () => {
    for (const n of names) await podman(['rm', '--force', '--time', '0', n]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts hardened, serves a real client, stops cleanly, keeps data across restarts (root+caps, then --user cap-free)', async () => {
    const image = images[c.engine] ?? process.env[`FLUX_DATABASES_IMAGE_${c.engine.toUpperCase()}`];
    expect(image, 'image ref from global setup').toBeTruthy();
    dir = await mkdtemp(path.join(tmpdir(), `flux-standin-${c.engine}-`));
    const dataHostDir = path.join(dir, 'data');
    await mkdir(dataHostDir);
    const password = `Pw-${randomBytes(9).toString('base64url')}'"\\$ x`;
    const port = await freePort();
    const spec: RunSpec = { name: `flux-standin-test-${c.engine}-${UID_TAG}`, image: image!, c, dataHostDir, port, password, asUser: false };
    names.push(spec.name);
    const t = { port, password };

    // 1. First start as root with the minimal capabilities: init on the empty dir, then write.
    const t0 = Date.now();
    await runContainer(spec);
    await eventually(() => c.write(t), 120_000, spec.name);
    const firstReady = Date.now() - t0;
    const status = await podmanOk(['exec', spec.name, 'cat', '/proc/1/status']);
    expect(status).toMatch(/^CapEff:\s+0+$/m); // the engine itself runs with no capability
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    const stop1 = await stopCleanly(spec.name);

    // 2. Restart the same container: data survives, no re-init.
    const t1 = Date.now();
    await podmanOk(['start', spec.name]);
    await eventually(() => c.read(t), 120_000, spec.name);
    const restartReady = Date.now() - t1;
    await stopCleanly(spec.name);
    await podmanOk(['rm', spec.name]);

    // 3. A new container on the same (now service-owned) dir, as the service uid with no capability.
    const [uid, gid] = c.runAs.split(':').map(Number);
    await chownTree(dataHostDir, uid!, gid!);
    const capFree = { ...spec, name: `${spec.name}-user`, asUser: true, port: await freePort() };
    names.push(capFree.name);
    const t2 = Date.now();
    await runContainer(capFree);
    await eventually(() => c.read({ port: capFree.port, password }), 120_000, capFree.name);
    const userReady = Date.now() - t2;
    const user = await podmanOk(['exec', capFree.name, 'id', '-u']);
    expect(user).toBe(String(uid));
    await stopCleanly(capFree.name);

    console.error(`[${c.engine}] first start ${firstReady} ms, restart ${restartReady} ms, --user start ${userReady} ms, stop ${stop1} ms`);
  });
});

async function chownTree(p: string, uid: number, gid: number): Promise<void> {
  await chown(p, uid, gid);
  for (const e of await readdir(p, { withFileTypes: true })) {
    const child = path.join(p, e.name);
    if (e.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}
