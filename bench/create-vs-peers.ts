/**
 * The module's create against its peers, interleaved in one process on the same stand-in images:
 *   postgres  POST /databases until `running` (a real host on PGlite, over HTTP) vs testcontainers-node
 *             (GenericContainer, log-message wait, then `select 1` from the host) vs `podman run` then
 *             `select 1` polled from the host. Medians and their ratios.
 *   redis     20 concurrent creates through the module vs 20 concurrent `podman run`s, each until an
 *             authenticated PING answers from the host: wall times and their ratio; every one must succeed.
 *   list      GET /databases with 1,000 rows vs a raw SELECT of those rows on the same store: p50, p99.
 * Targets: postgres module/testcontainers <= 1.10; redis module/podman <= 1.5; list p99 <= 2 x raw.
 *   npm run bench [-- postgres|redis|list ...]     BENCH_RUNS=9 BENCH_ROUNDS=3 BENCH_LIST_SAMPLES=300
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { insertInstance } from '../src/db/repositories/instances.js';
import { median, ms, quantile, redisPing, selectOne } from './bench-clients.js';
import { startBenchModule, type BenchModule } from './bench-module.js';
import { podmanRunPostgres, podmanRunRedisFleet, testcontainersPostgres, useSocketForTestcontainers } from './bench-peers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIST_SAMPLES = Number(process.env.BENCH_LIST_SAMPLES ?? 300);
const FLEET = 20;
const PG_IMAGE = process.env.FLUX_DATABASES_IMAGE_POSTGRESQL ?? 'localhost/flux-standin-postgresql:15';
const REDIS_IMAGE = process.env.FLUX_DATABASES_IMAGE_REDIS ?? 'localhost/flux-standin-redis:7.0';
const SOCKET = (process.env.FLUX_DATABASES_PODMAN_SOCKET ?? '/run/podman/podman.sock').replace(/^unix:\/\//, '');
const MODULE_ENV = {
  FLUX_DATABASES_PODMAN_SOCKET: SOCKET, FLUX_DATABASES_PORT_RANGE: '36000-36999',
  FLUX_DATABASES_IMAGE_POSTGRESQL: PG_IMAGE, FLUX_DATABASES_IMAGE_REDIS: REDIS_IMAGE,
};
/** Host ports for the CLI contestants, outside the module's range. */
const cliPort = (i: number) => 37000 + (i % 900);
const hex = () => randomBytes(3).toString('hex');
/**
 * The default SKU: 2 vCPU (this host's cores, so the quota does not bind) and the default CPU
 * weight (1024), as the peers' unlimited containers get. B-series would halve both.
 */
const SKU = 'd2';
const ratio = (a: number, b: number) => (a / b).toFixed(2);

async function moduleCreatePostgres(m: BenchModule): Promise<number> {
  const { id, ms: took } = await m.createUntilRunning({ engine: 'postgresql', version: '15', name: `bench-pg-${hex()}`, sku: SKU });
  const c = (await m.call('GET', `/databases/${id}/connection-string`)).body;
  const answered = await selectOne({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
  await m.call('DELETE', `/databases/${id}`);
  if (!answered) throw new Error('the instance was called running but select 1 failed');
  return took;
}

async function postgres(m: BenchModule): Promise<void> {
  const contestants = {
    module: () => moduleCreatePostgres(m),
    testcontainers: () => testcontainersPostgres(PG_IMAGE),
    'podman run': (i: number) => podmanRunPostgres(PG_IMAGE, cliPort(i)),
  };
  const names = Object.keys(contestants) as (keyof typeof contestants)[];
  for (const n of names) await contestants[n](999); // warm-up: page cache, conmon, the clients' first connections
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < RUNS; i++) {
    // Rotate who goes first: this machine is noisy and the order must not favour anyone.
    for (let k = 0; k < names.length; k++) {
      const n = names[(i + k) % names.length]!;
      const t = await contestants[n](i);
      times[n]!.push(t);
      console.log(`postgres #${i} ${n}: ${ms(t)}`);
    }
  }
  const med = Object.fromEntries(names.map((n) => [n, median(times[n]!)])) as Record<(typeof names)[number], number>;
  console.log(`\nPostgreSQL (${PG_IMAGE}), ${RUNS} interleaved runs each, start to first answer, medians:`);
  for (const n of names) console.log(`  ${n.padEnd(15)} ${ms(med[n])}  (${times[n]!.map((t) => t.toFixed(0)).join(', ')})`);
  // Runs of one round share the machine's load of the moment: their ratios drift less than the medians.
  const paired = median(times.module!.map((t, i) => t / times.testcontainers![i]!));
  console.log(`  module / testcontainers ${ratio(med.module, med.testcontainers)} (target <= 1.10); median of per-round ratios ${paired.toFixed(2)}`);
  console.log(`  module / podman run     ${ratio(med.module, med['podman run'])}`);
  console.log(`  testcontainers / podman run ${ratio(med.testcontainers, med['podman run'])}\n`);
}

async function moduleRedisFleet(m: BenchModule): Promise<number> {
  const { ids, ms: wall } = await m.createManyUntilRunning(Array.from({ length: FLEET }, () =>
    ({ engine: 'redis', version: '7.2', name: `bench-redis-${hex()}`, sku: SKU })));
  const answers = await Promise.all(ids.map(async (id) => {
    const c = (await m.call('GET', `/databases/${id}/connection-string`)).body;
    return redisPing(c.port, c.password);
  }));
  await Promise.all(ids.map((id) => m.call('DELETE', `/databases/${id}`)));
  if (answers.some((a) => !a)) throw new Error('an instance was called running but did not answer PING');
  return wall;
}

async function redis(m: BenchModule): Promise<void> {
  const times = { module: [] as number[], 'podman run': [] as number[] };
  // Warm-up: the module's first create reads host facts and Podman's info; the CLI fills its caches.
  await m.createUntilRunning({ engine: 'redis', version: '7.2', name: `bench-redis-${hex()}`, sku: SKU }).then(({ id }) => m.call('DELETE', `/databases/${id}`));
  await podmanRunRedisFleet(REDIS_IMAGE, [cliPort(99)]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of r % 2 ? (['podman run', 'module'] as const) : (['module', 'podman run'] as const)) {
      const t = n === 'module' ? await moduleRedisFleet(m) : await podmanRunRedisFleet(REDIS_IMAGE, Array.from({ length: FLEET }, (_, i) => cliPort(100 + i)));
      times[n].push(t);
      console.log(`redis x${FLEET} round ${r} ${n}: ${ms(t)} (all ${FLEET} answered)`);
    }
  }
  const mod = median(times.module);
  const cli = median(times['podman run']);
  console.log(`\nRedis (${REDIS_IMAGE}), ${FLEET} concurrent creates, ${ROUNDS} interleaved rounds, median wall time:`);
  console.log(`  module ${ms(mod)}, podman run ${ms(cli)}; module / podman run ${ratio(mod, cli)} (target <= 1.5)\n`);
}

async function list(): Promise<void> {
  const m = await startBenchModule(MODULE_ENV);
  try {
    const { db } = m.app.flux.ctx;
    for (let i = 0; i < 1000; i++) {
      await insertInstance(db, {
        name: `list-${i}`, container_name: `db-list-${i}`, engine: 'postgresql', engine_version: '15', image: PG_IMAGE,
        database_name: 'app', username: `u${i}`, sku: 'b1', cpu_limit: 0.5, memory_limit_mb: 1024, storage_limit_gb: 10,
        port: 40000 + i, status: 'stopped', status_message: 'stopped', limits_enforced: '{}', options: '{"series":"B"}',
      });
    }
    const route: number[] = [];
    const raw: number[] = [];
    const rawSelect = () => sql`SELECT * FROM "620600_databases_instances" ORDER BY created_at DESC`.execute(db);
    for (let i = 0; i < LIST_SAMPLES + 20; i++) {
      // Until the whole body is read; parsing it is the client's work, checked after the clock stops.
      const t0 = performance.now();
      const res = await fetch(`${m.base}/api/modules/databases/databases`, { headers: { authorization: `Bearer ${m.token}` } });
      const text = await res.text();
      const t1 = performance.now();
      const rows = await rawSelect();
      const t2 = performance.now();
      if (res.status !== 200 || JSON.parse(text).length !== 1000 || rows.rows.length !== 1000) throw new Error('expected 1000 rows from both');
      if (i >= 20) { route.push(t1 - t0); raw.push(t2 - t1); } // the first 20 warm up
    }
    const f = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms`;
    console.log(`GET /databases with 1000 rows, ${LIST_SAMPLES} interleaved samples:`);
    console.log(`  route (HTTP, JSON) ${f(route)}`);
    console.log(`  raw SELECT         ${f(raw)}`);
    console.log(`  p50 ratio ${ratio(quantile(route, 0.5), quantile(raw, 0.5))}, p99 ratio ${ratio(quantile(route, 0.99), quantile(raw, 0.99))} (target <= 2)\n`);
  } finally {
    await m.close();
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['postgres', 'redis', 'list'];
  useSocketForTestcontainers(SOCKET);
  if (wanted.includes('postgres') || wanted.includes('redis')) {
    const m = await startBenchModule(MODULE_ENV);
    try {
      if (wanted.includes('postgres')) await postgres(m);
      if (wanted.includes('redis')) await redis(m);
    } finally {
      await m.close();
    }
  }
  if (wanted.includes('list')) await list();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
