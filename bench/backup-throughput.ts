/**
 * Snapshot throughput of a ~1 GB PostgreSQL database (the stand-in, filled with generate_series
 * inside the container), interleaved against its baseline on the same instance:
 *   raw     `podman exec <container> pg_dump -Fc --no-sync -f /dev/null`: the same dump, the same user and
 *           connection, its bytes thrown away inside the container;
 *   module  POST /databases/{id}/snapshot until the snapshot is `completed`: pg_dump -Fc streamed out
 *           of the exec into the module (encrypted, hashed, fsynced, 0600), the row counts beside it.
 * Rounds run raw, module, module, raw, ... ; the ratio is raw time / module time (target >= 0.9).
 * The module runs in this process: its RSS is sampled every 50 ms during each snapshot, and the
 * growth over the RSS just before it must stay under 64 MB.
 *   npm run bench:backup        BENCH_ROUNDS=6 BENCH_DB_MB=1024 npm run bench:backup
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { median, sleep } from './bench-clients.js';
import { startBenchModule, type BenchModule } from './bench-module.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const DB_MB = Number(process.env.BENCH_DB_MB ?? 1024);
const IMAGE = process.env.FLUX_DATABASES_IMAGE_POSTGRESQL ?? 'localhost/flux-standin-postgresql:15';
const SOCKET = (process.env.FLUX_DATABASES_PODMAN_SOCKET ?? '/run/podman/podman.sock').replace(/^unix:\/\//, '');
const RSS_LIMIT_MB = 64;
/** The module's time is known to within this (a bias against it of at most ~1 % on a 30 s dump). */
const POLL_MS = 250;

interface Instance { id: number; container: string; user: string; password: string; database: string }

/** `podman exec -e PGPASSWORD` takes the value from its own environment: not in any argv. */
const withPassword = (i: Instance) => ({ ...process.env, PGPASSWORD: i.password });

/** psql inside the container, as the admin over 127.0.0.1 (the password passed through the environment). */
async function psql(i: Instance, sql: string): Promise<string> {
  const { stdout } = await run('podman', ['exec', '-e', 'PGPASSWORD', i.container,
    'psql', '-h', '127.0.0.1', '-U', i.user, '-d', i.database, '-X', '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { maxBuffer: 1 << 20, env: withPassword(i) });
  return stdout.trim();
}

/** Rows of two md5 texts (little to compress, as real data) until the database holds DB_MB. */
async function fill(i: Instance): Promise<number> {
  await psql(i, 'CREATE TABLE bench_rows (id bigint PRIMARY KEY, a text, b text, n double precision)');
  // About 140 bytes per row on disk with its index.
  const rows = Math.round((DB_MB * 1048576) / 140);
  const batch = 2_000_000;
  for (let from = 1; from <= rows; from += batch) {
    await psql(i, `INSERT INTO bench_rows SELECT g, md5(g::text), md5((g * 7)::text), g / 3.0 FROM generate_series(${from}, ${Math.min(rows, from + batch - 1)}) g`);
  }
  await psql(i, 'VACUUM ANALYZE bench_rows');
  return Number(await psql(i, 'SELECT pg_database_size(current_database())'));
}

async function raw(i: Instance): Promise<number> {
  const t0 = performance.now();
  await run('podman', ['exec', '-e', 'PGPASSWORD', i.container,
    'pg_dump', '-h', '127.0.0.1', '-p', '5432', '-U', i.user, '-d', i.database, '-Fc', '--no-password', '--no-sync', '-f', '/dev/null'], { env: withPassword(i) });
  return performance.now() - t0;
}

async function viaModule(m: BenchModule, i: Instance): Promise<{ ms: number; rssGrowthMb: number; bytes: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  try {
    const started = await m.call('POST', `/databases/${i.id}/snapshot`);
    if (started.status !== 202) throw new Error(`snapshot answered ${started.status}: ${JSON.stringify(started.body)}`);
    const sid = started.body.snapshot.id as number;
    for (;;) {
      const { body: s } = await m.call('GET', `/databases/${i.id}/snapshots/${sid}`);
      if (s.status === 'completed') {
        const ms = performance.now() - t0;
        // Only one snapshot on disk at a time.
        await m.call('DELETE', `/databases/${i.id}/snapshots/${sid}`);
        return { ms, rssGrowthMb: (peak - before) / 1048576, bytes: s.size_bytes };
      }
      if (s.status !== 'running') throw new Error(`snapshot ${sid} ${s.status}: ${s.error_message}`);
      // Each poll is a request and a query of the module's own store, in this process: not too often.
      await sleep(POLL_MS);
    }
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const m = await startBenchModule({
    FLUX_DATABASES_PODMAN_SOCKET: SOCKET, FLUX_DATABASES_PORT_RANGE: '38000-38999', FLUX_DATABASES_IMAGE_POSTGRESQL: IMAGE,
  });
  let id: number | undefined;
  try {
    const created = await m.createUntilRunning({ engine: 'postgresql', version: '15', name: `bench-bk-${randomBytes(3).toString('hex')}`, sku: 'b4' });
    id = created.id;
    const row = (await m.call('GET', `/databases/${id}`)).body;
    const conn = (await m.call('GET', `/databases/${id}/connection-string`)).body;
    const i: Instance = { id, container: row.container_name, user: conn.username, password: conn.password, database: conn.database };
    const t0 = performance.now();
    const dbBytes = await fill(i);
    console.log(`database: ${(dbBytes / 1048576).toFixed(0)} MB (pg_database_size), filled in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${ROUNDS} rounds`);
    await raw(i); // warm the page cache once for both
    const rawMs: number[] = [];
    const modMs: number[] = [];
    const growth: number[] = [];
    let dumpBytes = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['raw', 'module'] : ['module', 'raw'];
      for (const who of order) {
        if (who === 'raw') rawMs.push(await raw(i));
        else {
          const s = await viaModule(m, i);
          modMs.push(s.ms);
          growth.push(s.rssGrowthMb);
          dumpBytes = s.bytes;
        }
      }
      console.log(`round ${r + 1}: raw ${(rawMs.at(-1)! / 1000).toFixed(1)} s, module ${(modMs.at(-1)! / 1000).toFixed(1)} s, RSS +${growth.at(-1)!.toFixed(1)} MB`);
    }
    const mb = dbBytes / 1048576;
    const rawMed = median(rawMs);
    const modMed = median(modMs);
    const ratio = rawMed / modMed;
    const maxGrowth = Math.max(...growth);
    console.log(`dump: ${(dumpBytes / 1048576).toFixed(0)} MB (pg_dump -Fc output, stored encrypted)`);
    console.log(`raw pg_dump -Fc to /dev/null: median ${(rawMed / 1000).toFixed(1)} s (${(mb / (rawMed / 1000)).toFixed(1)} MB/s of database)`);
    console.log(`module snapshot:               median ${(modMed / 1000).toFixed(1)} s (${(mb / (modMed / 1000)).toFixed(1)} MB/s of database)`);
    console.log(`throughput ratio module/raw: ${ratio.toFixed(3)} (target >= 0.9) ${ratio >= 0.9 ? 'PASS' : 'FAIL'}`);
    console.log(`module RSS growth during a snapshot: max ${maxGrowth.toFixed(1)} MB (target < ${RSS_LIMIT_MB}) ${maxGrowth < RSS_LIMIT_MB ? 'PASS' : 'FAIL'}`);
    if (ratio < 0.9 || maxGrowth >= RSS_LIMIT_MB) process.exitCode = 1;
  } finally {
    if (id !== undefined) await m.call('DELETE', `/databases/${id}`).catch(() => undefined);
    await m.close();
  }
}

await main();
