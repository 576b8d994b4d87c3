import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickhouseBackup } from '../../src/services/adapters/families/clickhouse-backup.js';
import { engineSocket } from '../../src/services/adapters/families/engine-socket.js';
import type { EngineEndpoint } from '../../src/services/adapters/families/endpoint.js';
import { InfluxBackup } from '../../src/services/adapters/families/influx-backup.js';
import { readTar } from '../../src/services/adapters/families/ustar.js';
import type { StreamExecOptions } from '../../src/services/runtime/container-runtime.js';

// The roles that speak the engine's HTTP interface (ClickHouse, InfluxDB 1.x) against scripted
// servers on loopback: the password only in the Authorization header (never a URL), a failure
// ClickHouse appends to a started answer fails the dump, an engine that stops answering fails it
// after the stall timeout, and with no route from the host the bytes go through an exec relay.
const PASSWORD = 'Http-Backup-Passw0rd';
const NATIVE = Buffer.from([3, 2, 2, 0x69, 0x64, 6, 0x55, 0x49, 0x6e, 0x74, 0x36, 0x34]);

type Handler = (sql: string, url: URL, res: http.ServerResponse) => void;
let handler: Handler = () => undefined;
const seen: { url: string; auth: string; body: string }[] = [];
let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      seen.push({ url: req.url ?? '', auth: String(req.headers.authorization ?? ''), body });
      const url = new URL(req.url ?? '/', 'http://x');
      handler(url.searchParams.get('query') ?? url.searchParams.get('q') ?? new URLSearchParams(body).get('q') ?? body, url, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const endpoint = (engine: string, version: string): EngineEndpoint => ({
  engine, version, host: '127.0.0.1', port: () => port, username: 'admin_user', password: PASSWORD, database: 'app', tls: false,
  exec: async () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false }),
});
const json = (res: http.ServerResponse, data: unknown[][]) => res.end(JSON.stringify({ data }));

/** A ClickHouse with one MergeTree table; `rows` answers its SELECT * FORMAT Native. */
function clickhouse(rows: (res: http.ServerResponse) => void): Handler {
  return (sql, _url, res) => {
    if (sql.startsWith('SELECT version()')) return json(res, [['18.16.1']]);
    if (sql.startsWith('SELECT name FROM system.databases')) return json(res, [['app']]);
    if (sql.startsWith('SELECT database, name, engine, create_table_query')) return json(res, [['app', 't', 'MergeTree', 'CREATE TABLE app.t (id UInt64) ENGINE = MergeTree ORDER BY id']]);
    if (sql.startsWith('SHOW CREATE TABLE')) return json(res, [['CREATE TABLE app.t (id UInt64) ENGINE = MergeTree ORDER BY id']]);
    if (sql.startsWith('SELECT count()')) return json(res, [['2']]);
    if (sql.startsWith('SELECT * FROM `app`.`t` FORMAT Native')) return rows(res);
    res.writeHead(400).end(`Code: 62, unexpected ${sql}`);
  };
}
const job = (ep: EngineEndpoint, out = new PassThrough(), stallTimeoutMs = 5000) => ({ endpoint: ep, out, signal: new AbortController().signal, stallTimeoutMs });

describe('ClickHouse over HTTP', () => {
  it('dumps a tar of the manifest, each table\'s CREATE and its Native rows; the password only in a header', async () => {
    seen.length = 0;
    handler = clickhouse((res) => res.end(NATIVE));
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    const figures = await new ClickhouseBackup().dump(job(endpoint('clickhouse', '18.16'), out));
    expect(figures).toEqual({ low: { 'app.t': 2 }, high: { 'app.t': 2 } });
    const entries: [string, string][] = [];
    for await (const e of readTar(Readable.from([Buffer.concat(parts)]))) {
      const b: Buffer[] = [];
      for await (const c of e.body()) b.push(c);
      entries.push([e.name, Buffer.concat(b).toString('latin1')]);
    }
    expect(entries.map(([n]) => n)).toEqual(['flux-clickhouse.json', 'databases.sql', '0001.sql', '0001.native.000001', 'restore.sh']);
    expect(entries[3]![1]).toBe(NATIVE.toString('latin1'));
    expect(seen.every((s) => s.auth === `Basic ${Buffer.from(`admin_user:${PASSWORD}`).toString('base64')}`)).toBe(true);
    expect(seen.some((s) => s.url.includes(PASSWORD) || s.url.includes('admin_user'))).toBe(false);
  });

  it('fails when ClickHouse appends an error to an answer it had started', async () => {
    handler = clickhouse((res) => res.end(Buffer.concat([NATIVE, Buffer.from('Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded')])));
    await expect(new ClickhouseBackup().dump(job(endpoint('clickhouse', '18.16'), new PassThrough().resume())))
      .rejects.toThrow(/reading app\.t failed: Code: 241.*Memory limit/);
  });

  it('fails after the stall timeout when the engine stops sending', async () => {
    handler = clickhouse((res) => { res.writeHead(200); res.write(NATIVE); });
    const t0 = Date.now();
    await expect(new ClickhouseBackup().dump(job(endpoint('clickhouse', '18.16'), new PassThrough().resume(), 300))).rejects.toThrow(/nothing moved for 0 s|was stopped \(stalled\)/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('InfluxDB 1.x over HTTP', () => {
  it('writes the influx -import file: DDL, then each policy\'s points, from chunked answers', async () => {
    seen.length = 0;
    handler = (q, _url, res) => {
      const s = (series: object[]) => JSON.stringify({ results: [{ statement_id: 0, series }] });
      if (q === 'SHOW DATABASES') return res.end(s([{ name: 'databases', columns: ['name'], values: [['_internal'], ['app']] }]));
      if (q.startsWith('SHOW RETENTION POLICIES')) return res.end(s([{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values: [['autogen', '0s', '168h0m0s', 1, true]] }]));
      if (q.startsWith('SELECT count(*)')) return res.end(s([{ name: 'cpu', columns: ['time', 'count_v'], values: [['1970-01-01T00:00:00Z', 2]] }]));
      if (q.startsWith('SHOW MEASUREMENTS')) return res.end(s([{ name: 'measurements', columns: ['name'], values: [['cpu']] }]));
      if (q.startsWith('SHOW FIELD KEYS')) return res.end(s([{ name: 'cpu', columns: ['fieldKey', 'fieldType'], values: [['v', 'integer']] }]));
      if (q.startsWith('SELECT * FROM')) {
        // Written as InfluxDB writes them: numbers a double cannot hold.
        const point = (host: string, values: string) => `${s([{ name: 'cpu', tags: { host }, columns: ['time', 'v'], values: 'VALUES' }])}\n`.replace('"VALUES"', values);
        res.write(point('a', '[[1700000000000000001,9007199254740993]]'));
        return res.end(point('b', '[[1700000000000000002,-1]]'));
      }
      res.end(JSON.stringify({ error: `unexpected ${q}` }));
    };
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    expect(await new InfluxBackup().dump(job(endpoint('influxdb', '1.6'), out))).toEqual({ low: { 'app.autogen.cpu': 2 }, high: { 'app.autogen.cpu': 2 } });
    expect(Buffer.concat(parts).toString()).toBe([
      '# INFLUXDB EXPORT: every database but _internal, from InfluxDB 1.6', '# DDL',
      'CREATE DATABASE "app" WITH DURATION INF REPLICATION 1 SHARD DURATION 1w NAME "autogen"', '# DML',
      '# CONTEXT-DATABASE:app', '# CONTEXT-RETENTION-POLICY:autogen',
      'cpu,host=a v=9007199254740993i 1700000000000000001', 'cpu,host=b v=-1i 1700000000000000002', '',
    ].join('\n'));
    expect(seen.some((x) => x.url.includes(PASSWORD) || x.body.includes(PASSWORD))).toBe(false);
  });

  it('a 2.x instance fails saying why, before any request', async () => {
    seen.length = 0;
    await expect(new InfluxBackup().dump(job(endpoint('influxdb', '2.9')))).rejects.toThrow(/InfluxDB 2\.9: the module backs up InfluxDB 1\.x/);
    expect(seen).toHaveLength(0);
  });
});

describe('the exec relay, for an engine the host cannot reach (a drill container has no network)', () => {
  it('carries a whole HTTP exchange through a constant script, with the port in the environment', async () => {
    const runs: { argv: string[]; env: Record<string, string> }[] = [];
    const relayed: EngineEndpoint = {
      ...endpoint('clickhouse', '18.16'), host: '', port: (p) => p,
      // The "container": bash's relay to the loopback server, played by a socket to it.
      execStream: async (argv, io: StreamExecOptions) => {
        runs.push({ argv, env: io.env ?? {} });
        const socket = engineSocket({ ...endpoint('clickhouse', '18.16') }, 8123);
        io.stdin!.pipe(socket);
        socket.on('data', (c: Buffer) => io.stdout!.write(c));
        await new Promise((r) => socket.on('close', r));
        return { exitCode: 0, stderr: '', bytesOut: 0, bytesIn: 0 };
      },
    };
    handler = clickhouse((res) => res.end(NATIVE));
    expect(await new ClickhouseBackup().inventory(relayed)).toEqual({ 'app.t': 2 });
    expect(runs.length).toBeGreaterThan(3);
    for (const r of runs) {
      expect(r.argv.slice(0, 2)).toEqual(['bash', '-c']);
      expect(r.argv[2]).toContain('/dev/tcp/127.0.0.1/$FLUX_RELAY_PORT');
      expect(r.env).toEqual({ FLUX_RELAY_PORT: '8123' });
    }
  });
});
