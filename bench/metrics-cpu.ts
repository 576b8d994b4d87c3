/**
 * The module's own CPU with 20 running Redis instances (b1) at the default intervals (health 30 s,
 * metrics 60 s, reconcile 60 s, storage 300 s, rollups 300 s), averaged over BENCH_CPU_MINUTES
 * (default 10), against a second host with no instances measured over the same minutes. Each host
 * is a child process; its CPU is utime + stime of /proc/<pid>/stat with its reaped children
 * (du, podman unshare), so nothing it spends is left out. Creating the instances is not measured.
 * Target: < 5 % of one core.   npx tsx bench/metrics-cpu.ts     BENCH_CPU_MINUTES=10 BENCH_SETTLE_S=90
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from './bench-clients.js';

const MINUTES = Number(process.env.BENCH_CPU_MINUTES ?? 10);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 90);
const FLEET = 20;
const TICKS = 100; // CLK_TCK on Linux
const REDIS_IMAGE = process.env.FLUX_DATABASES_IMAGE_REDIS ?? 'localhost/flux-standin-redis:7.0';
const SOCKET = (process.env.FLUX_DATABASES_PODMAN_SOCKET ?? '/run/podman/podman.sock').replace(/^unix:\/\//, '');

interface Host { child: ChildProcess; url: string; token: string; dir: string }

async function startHost(portRange: string): Promise<Host> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flux-bench-cpu-'));
  const token = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'metrics-cpu-host.ts')], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, FLUX_DATA_DIR: dir, FLUX_ADMIN_TOKEN: token, FLUX_READ_TOKEN: randomBytes(24).toString('hex'),
      FLUX_DATABASES_PODMAN_SOCKET: SOCKET, FLUX_DATABASES_PORT_RANGE: portRange, FLUX_DATABASES_IMAGE_REDIS: REDIS_IMAGE,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = /listening (\S+)/.exec(out); if (m) resolve(m[1]!); });
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before it listened`)));
  });
  return { child, url, token, dir };
}

async function call(h: Host, method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(`${h.url}/api/modules/databases${url}`, {
    method, headers: { authorization: `Bearer ${h.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

/** CPU seconds the process and its reaped children used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}

async function main(): Promise<void> {
  const loaded = await startHost('39000-39499');
  const idle = await startHost('39500-39999');
  const ids: number[] = [];
  try {
    const created = await Promise.all(Array.from({ length: FLEET }, () =>
      call(loaded, 'POST', '/databases', { engine: 'redis', version: '7.2', name: `bench-cpu-${randomBytes(3).toString('hex')}`, sku: 'b1' })));
    ids.push(...created.map((c) => c.id as number));
    for (;;) {
      const rows = (await call(loaded, 'GET', '/databases')) as { status: string; error_message: string | null }[];
      const failed = rows.find((r) => r.status === 'failed');
      if (failed) throw new Error(`a create failed: ${failed.error_message}`);
      if (rows.length === FLEET && rows.every((r) => r.status === 'running')) break;
      await sleep(1000);
    }
    console.log(`${FLEET} Redis instances running; settling ${SETTLE_S} s before measuring`);
    await sleep(SETTLE_S * 1000);
    const pids = { loaded: loaded.child.pid!, idle: idle.child.pid! };
    const start = { at: performance.now(), loaded: await cpuSeconds(pids.loaded), idle: await cpuSeconds(pids.idle) };
    let last = { ...start };
    for (let minute = 1; minute <= MINUTES; minute++) {
      await sleep(60_000);
      const now = { at: performance.now(), loaded: await cpuSeconds(pids.loaded), idle: await cpuSeconds(pids.idle) };
      const wall = (now.at - last.at) / 1000;
      console.log(`minute ${minute}: 20 instances ${((now.loaded - last.loaded) / wall * 100).toFixed(2)} %, none ${((now.idle - last.idle) / wall * 100).toFixed(2)} % of one core`);
      last = now;
    }
    const wall = (last.at - start.at) / 1000;
    const loadedPct = ((last.loaded - start.loaded) / wall) * 100;
    const idlePct = ((last.idle - start.idle) / wall) * 100;
    const points = await call(loaded, 'GET', `/databases/${ids[0]}/metrics?range=1h`);
    const cpuSeries = (points.series as { metric: string; points: unknown[] }[]).find((s) => s.metric === 'cpu_percent');
    console.log(`\nThe module's own CPU over ${(wall / 60).toFixed(1)} minutes at the default intervals:`);
    console.log(`  with ${FLEET} Redis instances: ${loadedPct.toFixed(2)} % of one core (target < 5 %)`);
    console.log(`  with none (same minutes):   ${idlePct.toFixed(2)} % of one core`);
    console.log(`  ratio loaded / idle host ${(loadedPct / idlePct).toFixed(2)}; samples of one instance in the last hour: ${cpuSeries?.points.length ?? 0}`);
  } finally {
    await Promise.all(ids.map((id) => call(loaded, 'DELETE', `/databases/${id}`).catch(() => undefined)));
    for (const h of [loaded, idle]) {
      h.child.kill('SIGTERM');
      await new Promise((r) => h.child.once('exit', r));
      await rm(h.dir, { recursive: true, force: true });
    }
  }
}

await main();
