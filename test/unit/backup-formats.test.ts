import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dumpOrder, partOwner, restoreScript, type DumpManifest } from '../../src/services/adapters/families/clickhouse-dump-layout.js';
import {
  databaseDdl, influxqlDuration, parseDdl, parseKeepingNumbers, seriesLines, type RetentionPolicy,
} from '../../src/services/adapters/families/influx-line-protocol.js';
import { LineReader } from '../../src/services/adapters/families/line-split.js';
import { readTar, TarWriter } from '../../src/services/adapters/families/ustar.js';

const run = promisify(execFile);

/** What is written to `out`, once `out` ends. */
function collect(out: PassThrough): () => Promise<Buffer> {
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  return async () => {
    await new Promise((r) => out.end(r));
    return Buffer.concat(parts);
  };
}

/** The chunks of `b`, cut at odd places, as a stream is. */
const chunked = (b: Buffer, size = 777) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

describe('ustar', () => {
  it('writes what tar(1) reads, and reads what tar(1) writes (long names included)', async () => {
    const out = new PassThrough();
    const done = collect(out);
    const tar = new TarWriter(out);
    await tar.entry('a.sql', 'CREATE TABLE x;\n');
    await tar.entry('empty', '');
    const parts = await tar.parts('0001.native', Readable.from([Buffer.alloc(5000, 1), Buffer.alloc(3000, 2)]), 4096);
    await tar.end();
    const archive = await done();
    expect(parts).toBe(2);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-ustar-'));
    try {
      await writeFile(path.join(dir, 'x.tar'), archive);
      expect((await run('tar', ['-tf', 'x.tar'], { cwd: dir })).stdout.split('\n').filter(Boolean)).toEqual(['a.sql', 'empty', '0001.native.000001', '0001.native.000002']);
      await run('tar', ['-xf', 'x.tar'], { cwd: dir });
      expect(Buffer.concat([await readFile(path.join(dir, '0001.native.000001')), await readFile(path.join(dir, '0001.native.000002'))]))
        .toEqual(Buffer.concat([Buffer.alloc(5000, 1), Buffer.alloc(3000, 2)]));

      const long = `${'d'.repeat(60)}/${'n'.repeat(120)}.parquet`;
      await writeFile(path.join(dir, 'f'), 'x');
      await run('mkdir', ['-p', path.dirname(path.join(dir, long))]);
      await writeFile(path.join(dir, long), 'long one');
      await run('tar', ['--format=gnu', '-cf', 'gnu.tar', 'f', long], { cwd: dir });
      await run('tar', ['--format=pax', '-cf', 'pax.tar', long], { cwd: dir });
      for (const file of ['gnu.tar', 'pax.tar']) {
        const seen: [string, string][] = [];
        for await (const e of readTar(chunked(await readFile(path.join(dir, file))))) {
          if (e.type !== 'file') continue;
          const body: Buffer[] = [];
          for await (const c of e.body()) body.push(c);
          seen.push([e.name, Buffer.concat(body).toString()]);
        }
        expect(seen.at(-1), file).toEqual([long, 'long one']);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads entries in order from odd chunks, skipping bodies left unread', async () => {
    const out = new PassThrough();
    const done = collect(out);
    const tar = new TarWriter(out);
    for (let i = 0; i < 5; i++) await tar.entry(`f${i}`, Buffer.alloc(i * 700, i));
    await tar.end();
    const names: string[] = [];
    for await (const e of readTar(chunked(await done(), 333))) {
      names.push(`${e.name}:${e.size}`);
      if (e.name === 'f3') for await (const c of e.body()) expect(c.every((b) => b === 3)).toBe(true);
    }
    expect(names).toEqual(['f0:0', 'f1:700', 'f2:1400', 'f3:2100', 'f4:2800']);
  });

  it('a damaged header, a cut archive and a missing end all throw', async () => {
    const out = new PassThrough();
    const done = collect(out);
    const tar = new TarWriter(out);
    await tar.entry('a', Buffer.alloc(2000, 7));
    await tar.end();
    const whole = await done();
    const drain = async (b: Buffer) => { for await (const e of readTar(chunked(b))) for await (const _ of e.body()) { /* read */ } };
    const damaged = Buffer.from(whole);
    damaged[10]! ^= 0xff;
    await expect(drain(damaged)).rejects.toThrow(/checksum/);
    await expect(drain(whole.subarray(0, 1200))).rejects.toThrow(/ends inside an entry/);
    await expect(drain(whole.subarray(0, 512 + 2048))).rejects.toThrow(/no end-of-archive/);
  });

  it('a streamed entry must have the size it announced', async () => {
    const tar = new TarWriter(new PassThrough().resume());
    await expect(tar.entry('x', Readable.from([Buffer.alloc(10)]), 11)).rejects.toThrow(/10 bytes, not the 11/);
  });
});

describe('ClickHouse dump layout', () => {
  const t = (database: string, name: string, engine: string, create = '') => ({ database, name, engine, create });
  it('plain tables first (as listed), views after the views they read, .inner. tables left to their view', () => {
    const order = dumpOrder([
      t('app', '.inner.mv', 'SummingMergeTree'), t('app', 'b_view', 'View', 'CREATE VIEW app.b_view AS SELECT * FROM app.mv'),
      t('app', 'mv', 'MaterializedView', 'CREATE MATERIALIZED VIEW app.mv ... FROM app.t'), t('app', 't', 'MergeTree'), t('app', 'a_log', 'Log'),
    ]).map((x) => x.name);
    expect(order).toEqual(['t', 'a_log', 'mv', 'b_view']);
  });

  it('restore.sh quotes every name for sh and inserts only tables that have parts', () => {
    const m: DumpManifest = { format: 'flux-clickhouse-dump', version: 1, server: '18.16.1', databases: ['app'], tables: [
      { n: 1, database: 'app', name: "it's `odd`", engine: 'MergeTree', data: true, parts: 2 },
      { n: 2, database: 'app', name: 'empty', engine: 'Log', data: true, parts: 0 },
    ] };
    const script = restoreScript(m);
    expect(script).toContain(`cat 0001.native.* | clickhouse-client "$@" --query 'INSERT INTO \`app\`.\`it'\\''s \\\`odd\\\`\` FORMAT Native'`);
    expect(script).not.toContain('0002.native');
    expect(script).toContain('clickhouse-client "$@" --multiquery < 0002.sql');
    expect([partOwner('0012.native.000003'), partOwner('0012.sql'), partOwner('restore.sh')]).toEqual([12, null, null]);
  });
});

describe('InfluxDB line protocol', () => {
  it('keeps nanosecond times and 64-bit integers exact, and floats as InfluxDB wrote them', () => {
    const parsed = parseKeepingNumbers('{"v":[[1700000000000000001,9007199254740993,0.1,1e-7,-2,"9",true,null]]}') as { v: unknown[][] };
    expect(parsed.v[0]).toEqual(['1700000000000000001', '9007199254740993', '0.1', '1e-7', '-2', '9', true, null]);
  });

  it('writes a series with escapes, typed fields, empty tags left out and null fields skipped', () => {
    const types = new Map([['f x', 'float'], ['n', 'integer'], ['s', 'string'], ['b', 'boolean']] as const);
    const lines = seriesLines({
      name: 'cpu,load m', tags: { 'host=': 'a b', zone: '', dc: 'x,y' },
      columns: ['time', 'f x', 'n', 's', 'b'], values: [['17', '1.5', '3', 'say "hi" \\o/', true], ['18', null, null, null, false]],
    }, types);
    expect(lines).toBe('cpu\\,load\\ m,dc=x\\,y,host\\==a\\ b f\\ x=1.5,n=3i,s="say \\"hi\\" \\\\o/",b=true 17\ncpu\\,load\\ m,dc=x\\,y,host\\==a\\ b b=false 18\n');
  });

  it('refuses what -import cannot carry: a line break in a string or a tag, a trailing backslash', () => {
    const types = new Map([['s', 'string']] as const);
    expect(() => seriesLines({ name: 'm', columns: ['time', 's'], values: [['1', 'two\nlines']] }, types)).toThrow(/line break/);
    expect(() => seriesLines({ name: 'm', tags: { t: 'a\\' }, columns: ['time', 's'], values: [['1', 'x']] }, types)).toThrow(/backslash/);
  });

  it('reads back the DDL it writes, and turns Go durations into InfluxQL literals', () => {
    expect(['0s', '168h0m0s', '24h0m0s', '1h30m0s', '720h0m0s'].map(influxqlDuration)).toEqual(['INF', '1w', '1d', '90m', '30d']);
    const policies: RetentionPolicy[] = [
      { name: 'week', duration: '1w', shardDuration: '1d', replication: 1, isDefault: false },
      { name: 'auto "gen"', duration: 'INF', shardDuration: '1w', replication: 1, isDefault: true },
    ];
    const ddl = databaseDdl('my "db"', policies);
    expect(ddl[0]).toBe('CREATE DATABASE "my \\"db\\"" WITH DURATION INF REPLICATION 1 SHARD DURATION 1w NAME "auto \\"gen\\""');
    expect(ddl.map(parseDdl)).toEqual([{ database: 'my "db"', policy: policies[1] }, { database: 'my "db"', policy: policies[0] }]);
    expect(parseDdl('CREATE USER x WITH PASSWORD \'y\'')).toBeNull();
  });
});

describe('LineReader', () => {
  it('hands over exactly what it did not return as lines', async () => {
    const text = Buffer.from('# DDL\nCREATE DATABASE "x"\n# DML\n# CONTEXT-DATABASE:x\nm v=1 1\nm v=2 2\n');
    const reader = new LineReader(chunked(text, 7));
    const lines: string[] = [];
    for (let l = await reader.next(); l !== null && !l.startsWith('# DML'); l = await reader.next()) lines.push(l);
    const rest: Buffer[] = [];
    for await (const c of reader.rest()) rest.push(c);
    expect(lines).toEqual(['# DDL', 'CREATE DATABASE "x"']);
    expect(Buffer.concat(rest).toString()).toBe('# CONTEXT-DATABASE:x\nm v=1 1\nm v=2 2\n');
  });
});
