/**
 * One metrics cycle over 20 running Redis instances (b1) against the same work done raw in one
 * script, interleaved on the same instances:
 *   module  services.metrics.collectAll(): one libpod stats call, then per instance (4 at once, the
 *           default FLUX_DATABASES_CHECK_CONCURRENCY) INFO through ioredis, rates, the raw row stored,
 *           the listeners (alerts) told;
 *   raw     `podman stats --no-stream --format json`, then per instance (4 at once) a new ioredis
 *           connection with AUTH and INFO; nothing stored.
 * Target: module / raw <= 1.2.   npx tsx bench/metrics-cycle.ts      BENCH_ROUNDS=15
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { median, ms } from './bench-clients.js';
import { startBenchModule } from './bench-module.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const FLEET = 20;
const CONCURRENCY = 4;
const REDIS_IMAGE = process.env.FLUX_DATABASES_IMAGE_REDIS ?? 'localhost/flux-standin-redis:7.0';
const SOCKET = (process.env.FLUX_DATABASES_PODMAN_SOCKET ?? '/run/podman/podman.sock').replace(/^unix:\/\//, '');

async function lanes<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) await fn(items[next++]!); }));
}

async function info(port: number, password: string): Promise<string> {
  const r = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, enableReadyCheck: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.info();
  } finally {
    r.disconnect();
  }
}

async function main(): Promise<void> {
  const m = await startBenchModule({ FLUX_DATABASES_PODMAN_SOCKET: SOCKET, FLUX_DATABASES_PORT_RANGE: '38000-38999', FLUX_DATABASES_IMAGE_REDIS: REDIS_IMAGE });
  const ids: number[] = [];
  try {
    const created = await m.createManyUntilRunning(Array.from({ length: FLEET }, () =>
      ({ engine: 'redis', version: '7.2', name: `bench-mx-${randomBytes(3).toString('hex')}`, sku: 'b1' })));
    ids.push(...created.ids);
    console.log(`${FLEET} Redis instances running in ${ms(created.ms)}`);
    const targets = await Promise.all(ids.map(async (id) => (await m.call('GET', `/databases/${id}/connection-string`)).body as { port: number; password: string }));
    const metrics = m.app.flux.services.metrics;
    const contestants = {
      module: async () => {
        await metrics.collectAll();
        const missing = ids.filter((id) => metrics.latest(id)?.engine.keys === undefined);
        if (missing.length) throw new Error(`no engine figures for ${missing.join(', ')}: ${metrics.latest(missing[0]!)?.engineError}`);
      },
      raw: async () => {
        const { stdout } = await run('podman', ['stats', '--no-stream', '--format', 'json']);
        if (!(JSON.parse(stdout) as unknown[]).length) throw new Error('podman stats listed nothing');
        await lanes(targets, CONCURRENCY, async (t) => { if (!(await info(t.port, t.password)).includes('total_commands_processed')) throw new Error('INFO failed'); });
      },
    };
    const names = Object.keys(contestants) as (keyof typeof contestants)[];
    // Warm-up: the module builds its endpoints and baselines, both sides' first connections.
    for (const n of names) await contestants[n]();
    const times: Record<string, number[]> = { module: [], raw: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(i + k) % names.length]!;
        const t0 = performance.now();
        await contestants[n]();
        times[n]!.push(performance.now() - t0);
      }
      console.log(`round ${i}: module ${ms(times.module!.at(-1)!)}, raw ${ms(times.raw!.at(-1)!)}`);
    }
    const med = { module: median(times.module!), raw: median(times.raw!) };
    const paired = median(times.module!.map((t, i) => t / times.raw![i]!));
    console.log(`\nOne metrics cycle over ${FLEET} Redis (b1), ${ROUNDS} interleaved rounds, medians:`);
    console.log(`  module ${ms(med.module)}  (${times.module!.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  raw    ${ms(med.raw)}  (${times.raw!.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  module / raw ${(med.module / med.raw).toFixed(2)} (target <= 1.2); median of per-round ratios ${paired.toFixed(2)}`);
  } finally {
    await Promise.all(ids.map((id) => m.call('DELETE', `/databases/${id}`).catch(() => undefined)));
    await m.close();
  }
}

await main();
