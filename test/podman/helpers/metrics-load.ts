import http from 'node:http';
import { DuckDBInstance } from '@duckdb/node-api';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** What GET /connection-string returns to a writer. */
export interface Returned {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  ports?: Record<string, number>;
  path?: string;
}

/** Load an engine's own client puts on an instance: held connections, a write that grows the data, a burst of requests. */
export interface EngineLoad {
  /** Opens `n` client connections and holds them until the returned close(). */
  hold(c: Returned, n: number): Promise<{ close(): Promise<void> }>;
  /** Writes enough rows, keys or points that the database's size grows. */
  write(c: Returned): Promise<void>;
  /** Many quick requests (the rate figures rise). */
  burst(c: Returned): Promise<void>;
}

const many = (n: number, fn: (i: number) => Promise<unknown>) => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

function pgLoad(portOf: (c: Returned) => number, insert: string): EngineLoad {
  const connect = async (c: Returned) => {
    const client = new pg.Client({ host: c.host, port: portOf(c), user: c.username, password: c.password, database: c.database });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  return {
    async hold(c, n) {
      const clients = await many(n, () => connect(c)) as pg.Client[];
      return { close: async () => { await Promise.all(clients.map((x) => x.end())); } };
    },
    async write(c) {
      const client = await connect(c);
      try { await client.query(insert); } finally { await client.end(); }
    },
    async burst(c) {
      const client = await connect(c);
      try { for (let i = 0; i < 300; i++) await client.query('SELECT 1'); } finally { await client.end(); }
    },
  };
}

const mysqlLoad: EngineLoad = {
  async hold(c, n) {
    const conns = await many(n, () => mysql.createConnection({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database })) as mysql.Connection[];
    return { close: async () => { await Promise.all(conns.map((x) => x.end())); } };
  },
  async write(c) {
    const conn = await mysql.createConnection({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
    try {
      await conn.query('CREATE TABLE IF NOT EXISTS load_rows (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(250))');
      const rows = Array.from({ length: 1000 }, () => ['x'.repeat(200)]);
      for (let i = 0; i < 20; i++) await conn.query('INSERT INTO load_rows (v) VALUES ?', [rows]);
    } finally { await conn.end(); }
  },
  async burst(c) {
    const conn = await mysql.createConnection({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
    try { for (let i = 0; i < 300; i++) await conn.query('SELECT 1'); } finally { await conn.end(); }
  },
};

const redisClient = async (c: Returned) => {
  const r = new Redis({ host: c.host, port: c.port, password: c.password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  await r.connect();
  return r;
};
const redisLoad: EngineLoad = {
  async hold(c, n) {
    const clients = await many(n, () => redisClient(c)) as Redis[];
    return { close: async () => { clients.forEach((r) => r.disconnect()); } };
  },
  async write(c) {
    const r = await redisClient(c);
    try {
      const p = r.pipeline();
      for (let i = 0; i < 5000; i++) p.set(`load:${i}`, 'x'.repeat(100));
      await p.exec();
    } finally { r.disconnect(); }
  },
  async burst(c) {
    const r = await redisClient(c);
    try { for (let i = 0; i < 500; i++) await r.get(`load:${i % 10}`); } finally { r.disconnect(); }
  },
};

function post(c: Returned, path: string, body: string, auth = true): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: c.host, port: c.port, path, method: 'POST',
      headers: auth ? { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function ok(p: Promise<{ status: number; text: string }>): Promise<void> {
  const r = await p;
  if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 300)}`);
}

const clickhouseLoad: EngineLoad = {
  // HTTP connections count while their query runs: three sleeping queries hold three.
  async hold(c, n) {
    const running = many(n, () => post(c, `/?database=${c.database}`, 'SELECT sleep(3)'));
    await new Promise((r) => setTimeout(r, 300));
    return { close: async () => { await running; } };
  },
  async write(c) {
    await ok(post(c, `/?database=${c.database}`, 'CREATE TABLE IF NOT EXISTS load_rows (n UInt64, s String) ENGINE = MergeTree ORDER BY n'));
    await ok(post(c, `/?database=${c.database}`, 'INSERT INTO load_rows SELECT number, toString(number) FROM system.numbers LIMIT 200000'));
  },
  async burst(c) {
    for (let i = 0; i < 100; i++) await ok(post(c, '/', 'SELECT 1'));
  },
};

const influxLoad: EngineLoad = {
  async hold() { return { close: async () => {} }; },
  async write(c) {
    const lines = Array.from({ length: 2000 }, (_, i) => `load,host=h${i % 200} v=${i}i ${1_700_000_000_000_000_000 + i * 1_000_000_000}`);
    await ok(post(c, `/write?db=${c.database}`, lines.join('\n')));
  },
  async burst(c) {
    for (let i = 0; i < 100; i++) await ok(post(c, `/query?db=${c.database}&q=${encodeURIComponent('SHOW MEASUREMENTS')}`, ''));
  },
};

const duckdbLoad: EngineLoad = {
  async hold() { return { close: async () => {} }; },
  async write(c) {
    const db = await DuckDBInstance.create(c.path!);
    try {
      const conn = await db.connect();
      await conn.run("CREATE TABLE load_rows AS SELECT range AS n, repeat('x', 100) AS s FROM range(200000)");
      await conn.run('CHECKPOINT');
      conn.closeSync();
    } finally { db.closeSync(); }
  },
  async burst() {},
};

const h2Port = (c: Returned) => c.ports!.pg!;

/** The load per engine (the Redis family and the PostgreSQL family share theirs). */
export const ENGINE_LOAD: Record<string, EngineLoad> = {
  postgresql: pgLoad((c) => c.port, "CREATE TABLE load_rows AS SELECT g AS n, repeat('x', 500) AS s FROM generate_series(1, 20000) g"),
  timescaledb: pgLoad((c) => c.port, "CREATE TABLE load_rows AS SELECT g AS n, repeat('x', 500) AS s FROM generate_series(1, 20000) g"),
  h2: pgLoad(h2Port, `CREATE TABLE load_rows AS SELECT "X" AS n, REPEAT('x', 500) AS s FROM SYSTEM_RANGE(1, 20000)`),
  mariadb: mysqlLoad, mysql: mysqlLoad,
  redis: redisLoad, valkey: redisLoad, keydb: redisLoad,
  clickhouse: clickhouseLoad, influxdb: influxLoad, duckdb: duckdbLoad,
};
