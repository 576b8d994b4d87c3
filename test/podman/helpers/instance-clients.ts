import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

const run = promisify(execFile);

/** What GET /connection-string returns to a writer. */
export interface Connection {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  connection_string: string;
  path?: string;
}

/** A real client per engine, using only the returned connection details: write a row, read all rows. */
export interface EngineClient {
  write(c: Connection, value: string): Promise<void>;
  read(c: Connection): Promise<string[]>;
}

async function withPg<T>(c: Connection, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
  await client.connect();
  try { return await fn(client); } finally { await client.end(); }
}

const postgres: EngineClient = {
  write: (c, v) => withPg(c, async (db) => {
    await db.query('CREATE TABLE IF NOT EXISTS flux_e2e (v text)');
    await db.query('INSERT INTO flux_e2e (v) VALUES ($1)', [v]);
  }),
  read: (c) => withPg(c, async (db) => (await db.query('SELECT v FROM flux_e2e ORDER BY v')).rows.map((r) => r.v)),
};

const timescale: EngineClient = {
  write: (c, v) => withPg(c, async (db) => {
    await db.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await db.query('CREATE TABLE IF NOT EXISTS flux_e2e (t timestamptz NOT NULL, v text)');
    await db.query("SELECT create_hypertable('flux_e2e', 't', if_not_exists => true)");
    await db.query('INSERT INTO flux_e2e (t, v) VALUES (now(), $1)', [v]);
  }),
  read: (c) => withPg(c, async (db) => (await db.query('SELECT v FROM flux_e2e ORDER BY v')).rows.map((r) => r.v)),
};

async function withMysql<T>(c: Connection, fn: (db: mysql.Connection) => Promise<T>): Promise<T> {
  const db = await mysql.createConnection({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
  try { return await fn(db); } finally { await db.end(); }
}

const mysqlFamily: EngineClient = {
  write: (c, v) => withMysql(c, async (db) => {
    await db.query('CREATE TABLE IF NOT EXISTS flux_e2e (v varchar(64))');
    await db.execute('INSERT INTO flux_e2e (v) VALUES (?)', [v]);
  }),
  read: (c) => withMysql(c, async (db) => ((await db.query('SELECT v FROM flux_e2e ORDER BY v'))[0] as { v: string }[]).map((r) => r.v)),
};

async function withRedis<T>(c: Connection, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: c.host, port: c.port, password: c.password, lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  try { return await fn(r); } finally { r.disconnect(); }
}

const redisFamily: EngineClient = {
  write: (c, v) => withRedis(c, async (r) => void (await r.sadd('flux_e2e', v))),
  read: (c) => withRedis(c, async (r) => (await r.smembers('flux_e2e')).sort()),
};

const basic = (c: Connection) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

async function ok(res: Response): Promise<string> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
  return text;
}

const influx: EngineClient = {
  write: async (c, v) => {
    const url = `http://${c.host}:${c.port}/write?db=${encodeURIComponent(c.database)}`;
    await ok(await fetch(url, { method: 'POST', headers: { authorization: basic(c) }, body: `flux_e2e value="${v}"` }));
  },
  read: async (c) => {
    const q = new URLSearchParams({ db: c.database, q: 'SELECT value FROM flux_e2e' });
    const body = JSON.parse(await ok(await fetch(`http://${c.host}:${c.port}/query?${q}`, { headers: { authorization: basic(c) } })));
    const values = (body.results?.[0]?.series?.[0]?.values ?? []) as [string, string][];
    return values.map(([, v]) => v).sort();
  },
};

async function clickhouse(c: Connection, query: string, body?: string): Promise<string> {
  const url = `http://${c.host}:${c.port}/?${new URLSearchParams({ query, database: c.database })}`;
  return ok(await fetch(url, { method: 'POST', headers: { 'X-ClickHouse-User': c.username, 'X-ClickHouse-Key': c.password }, body }));
}

const clickhouseClient: EngineClient = {
  write: async (c, v) => {
    await clickhouse(c, 'CREATE TABLE IF NOT EXISTS flux_e2e (v String) ENGINE = MergeTree ORDER BY v');
    await clickhouse(c, 'INSERT INTO flux_e2e FORMAT TabSeparated', `${v}\n`);
  },
  read: async (c) => (await clickhouse(c, 'SELECT v FROM flux_e2e ORDER BY v FORMAT TabSeparated')).split('\n').filter(Boolean),
};

let h2Jar: Promise<string> | undefined;
/** H2's own jar, taken from the image the instance runs, so client and server speak one protocol version. */
function h2ClientJar(image: string): Promise<string> {
  return (h2Jar ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-h2-'));
    const name = `flux-e2e-h2jar-${process.pid}`;
    await run('podman', ['create', '--name', name, image]);
    try {
      await run('podman', ['cp', `${name}:/usr/share/java/h2.jar`, path.join(dir, 'h2.jar')]);
    } finally {
      await run('podman', ['rm', '-f', name]);
    }
    return path.join(dir, 'h2.jar');
  })());
}

/** H2's Shell over its TCP server protocol (jdbc:h2:tcp://...), as any JVM client connects. */
async function h2Sql(c: Connection, image: string, sql: string): Promise<string> {
  const jar = await h2ClientJar(image);
  const url = `jdbc:h2:tcp://${c.host}:${c.port}/${c.database}`;
  const { stdout } = await run('java', ['-cp', jar, 'org.h2.tools.Shell', '-url', url, '-user', c.username, '-password', c.password, '-sql', sql]);
  return stdout;
}

function h2Client(image: string): EngineClient {
  return {
    write: async (c, v) => {
      await h2Sql(c, image, `CREATE TABLE IF NOT EXISTS FLUX_E2E (V VARCHAR(64)); INSERT INTO FLUX_E2E VALUES ('${v.replace(/'/g, "''")}')`);
    },
    read: async (c) => (await h2Sql(c, image, 'SELECT V FROM FLUX_E2E ORDER BY V'))
      .split('\n').map((l) => l.trim()).filter((l) => l && l !== 'V' && !l.startsWith('(')),
  };
}

async function withDuck<T>(c: Connection, fn: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(c.path!);
  const conn = await db.connect();
  try { return await fn(conn); } finally { conn.closeSync(); db.closeSync(); }
}

const duckdb: EngineClient = {
  write: (c, v) => withDuck(c, async (db) => {
    await db.run('CREATE TABLE IF NOT EXISTS flux_e2e (v VARCHAR)');
    await db.run('INSERT INTO flux_e2e VALUES ($v)', { v });
  }),
  read: (c) => withDuck(c, async (db) => (await db.runAndReadAll('SELECT v FROM flux_e2e ORDER BY v')).getRowObjects().map((r) => String(r.v))),
};

const CLIENTS: Record<string, EngineClient | ((image: string) => EngineClient)> = {
  postgresql: postgres, timescaledb: timescale, mariadb: mysqlFamily, mysql: mysqlFamily,
  redis: redisFamily, valkey: redisFamily, keydb: redisFamily, influxdb: influx, clickhouse: clickhouseClient,
  h2: h2Client, duckdb,
};

export function clientFor(engine: string, image: string): EngineClient {
  const c = CLIENTS[engine];
  if (!c) throw new Error(`no test client for ${engine}`);
  return typeof c === 'function' ? c(image) : c;
}
