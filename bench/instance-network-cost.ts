/**
 * What an instance's own isolated network costs per create, on the PostgreSQL stand-in hardened by
 * the orchestrator: the same create -> start -> first `select 1` from the host, on the default
 * bridge (the baseline) and on a fresh per-instance network (InstanceNetworks.ensure first, the
 * container on it), plus the network's removal at delete. Runs are interleaved (bridge, own, own,
 * bridge, ...) because this machine is noisy; medians and their difference and ratio are printed.
 *   npx tsx bench/instance-network-cost.ts            BENCH_RUNS=11 npx tsx bench/instance-network-cost.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { getAdapter } from '../src/services/adapters/registry.js';
import { ContainerOrchestrator, bindPort } from '../src/services/container-orchestrator.js';
import { InstanceNetworks } from '../src/services/network/instance-networks.js';
import { PortAllocator } from '../src/services/network/port-allocator.js';
import { resolveSku } from '../src/services/orchestration/sku-resources.js';
import { PodmanRuntime } from '../src/services/runtime/podman-runtime.js';
import { VolumeService } from '../src/services/volume-service.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const IMAGE = process.env.FLUX_DATABASES_IMAGE_POSTGRESQL ?? 'localhost/flux-standin-postgresql:15';
const SOCKET = (process.env.FLUX_DATABASES_PODMAN_SOCKET ?? '/run/podman/podman.sock').replace(/^unix:\/\//, '');
const BENCH_LABEL = 'io.flux.databases.bench';

const runtime = new PodmanRuntime(SOCKET);
const orchestrator = new ContainerOrchestrator({ runtime, extraLabels: { [BENCH_LABEL]: '1' } });
const networks = new InstanceNetworks({ runtime, ownLabels: { [BENCH_LABEL]: '1' } });
const ports = new PortAllocator({ range: { low: 36000, high: 36999 }, usedPorts: async () => new Set() });
const adapter = getAdapter('postgresql');

type Mode = 'bridge' | 'own';
interface Sample { networkMs: number; startedMs: number; readyMs: number; removeMs: number }

async function selectOne(port: number, password: string): Promise<boolean> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'bench', password, database: 'app', connectionTimeoutMillis: 1000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function once(mode: Mode, i: number): Promise<Sample> {
  const name = `bench-net-${mode}-${i}-${process.pid}`;
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const sizing = resolveSku('b2');
  const plan = adapter.plan({ containerName: name, databaseName: 'app', username: 'bench', password, version: '15', sizing });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'flux-bench-'));
  const volumes = new VolumeService({ dataDir, ownership: 'rootful' });
  const port = await ports.allocate();
  try {
    const paths = await volumes.prepare(name, plan.user);
    const mounts = [{ source: paths.data, target: plan.dataDir }, ...(await volumes.writeFiles(name, plan.files, plan.user))];
    const t0 = performance.now();
    const network = mode === 'own' ? { name: (await networks.ensure(900_000 + i, name, 'postgresql')).name } : undefined;
    const networkMs = performance.now() - t0;
    const { spec } = await orchestrator.build({
      instanceId: 900_000 + i, containerName: name, engine: adapter, image: IMAGE, plan, sizing, mounts,
      ports: [bindPort(5432, port, false)], ...(network ? { network } : {}),
    });
    const { id } = await runtime.createContainer(spec);
    await runtime.startContainer(id);
    const startedMs = performance.now() - t0;
    while (!(await selectOne(port, password))) {
      if (performance.now() - t0 > 120_000) throw new Error(`${name} not ready after 120 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const readyMs = performance.now() - t0;
    await runtime.removeContainer(id, { force: true });
    const r0 = performance.now();
    if (mode === 'own') await networks.release(900_000 + i, name);
    return { networkMs, startedMs, readyMs, removeMs: performance.now() - r0 };
  } finally {
    await runtime.removeContainer(name, { force: true });
    if (mode === 'own') await networks.release(900_000 + i, name).catch(() => undefined);
    await volumes.remove(name);
    await rm(dataDir, { recursive: true, force: true });
    ports.release(port);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  if (!(await runtime.imageExists(IMAGE))) throw new Error(`${IMAGE} is missing: npm run images -- build`);
  await once('own', -1); // warm-up: page cache, conmon, netavark, the subnet list
  await once('bridge', -2);
  const results: Record<Mode, Sample[]> = { bridge: [], own: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const mode of i % 2 ? (['own', 'bridge'] as const) : (['bridge', 'own'] as const)) {
      const r = await once(mode, i);
      results[mode].push(r);
      console.log(`${mode.padEnd(6)} #${i}: network ${r.networkMs.toFixed(0)} ms, started ${r.startedMs.toFixed(0)} ms, select 1 at ${r.readyMs.toFixed(0)} ms, network removed in ${r.removeMs.toFixed(0)} ms`);
    }
  }
  const m = (mode: Mode, k: keyof Sample) => median(results[mode].map((r) => r[k]));
  console.log(`\n${IMAGE}, ${RUNS} interleaved runs each, medians:`);
  for (const mode of ['bridge', 'own'] as const) {
    console.log(`  ${mode === 'bridge' ? 'default bridge ' : 'own network    '}: network ${m(mode, 'networkMs').toFixed(0)} ms, create+start ${m(mode, 'startedMs').toFixed(0)} ms, select 1 at ${m(mode, 'readyMs').toFixed(0)} ms`);
  }
  const extraStart = m('own', 'startedMs') - m('bridge', 'startedMs');
  const extraReady = m('own', 'readyMs') - m('bridge', 'readyMs');
  console.log(`  own network costs: +${extraStart.toFixed(0)} ms to started (ratio ${(m('own', 'startedMs') / m('bridge', 'startedMs')).toFixed(2)}), `
    + `+${extraReady.toFixed(0)} ms to select 1 (ratio ${(m('own', 'readyMs') / m('bridge', 'readyMs')).toFixed(2)}); `
    + `its removal at delete ${m('own', 'removeMs').toFixed(0)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
