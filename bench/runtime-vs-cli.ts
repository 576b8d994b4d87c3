/**
 * Create+start through PodmanRuntime (dockerode, compat API) versus `podman run -d` with the same
 * flags, for the PostgreSQL stand-in hardened by the orchestrator. "Ready" is measured the same way
 * for both: the first successful `select 1` from the host over the published port, polled every
 * 50 ms. Runs are interleaved (API, CLI, API, ...) because this machine is noisy.
 *   npm run bench            BENCH_RUNS=7 npm run bench
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { getAdapter } from '../src/services/adapters/registry.js';
import { ContainerOrchestrator, bindPort } from '../src/services/container-orchestrator.js';
import { PortAllocator } from '../src/services/network/port-allocator.js';
import { PodmanRuntime } from '../src/services/runtime/podman-runtime.js';
import { resolveSku } from '../src/services/orchestration/sku-resources.js';
import { VolumeService } from '../src/services/volume-service.js';
import { podmanRunArgs } from './podman-cli-args.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IMAGE = process.env.FLUX_DATABASES_IMAGE_POSTGRESQL ?? 'localhost/flux-standin-postgresql:15';
const SOCKET = (process.env.FLUX_DATABASES_PODMAN_SOCKET ?? '/run/podman/podman.sock').replace(/^unix:\/\//, '');
const BENCH_LABEL = 'io.flux.databases.bench';

const runtime = new PodmanRuntime(SOCKET);
const orchestrator = new ContainerOrchestrator({ runtime, extraLabels: { [BENCH_LABEL]: '1' } });
const ports = new PortAllocator({ range: { low: 35000, high: 35999 }, usedPorts: async () => new Set() });
const adapter = getAdapter('postgresql');

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

async function once(mode: 'api' | 'cli', i: number): Promise<{ createMs: number; readyMs: number }> {
  const name = `bench-${mode}-${i}-${process.pid}`;
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const sizing = resolveSku('b2');
  const input = { containerName: name, databaseName: 'app', username: 'bench', password, version: '15', sizing };
  const plan = adapter.plan(input);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'flux-bench-'));
  const volumes = new VolumeService({ dataDir, ownership: 'rootful' });
  const port = await ports.allocate();
  try {
    const paths = await volumes.prepare(name, plan.user);
    const mounts = [{ source: paths.data, target: plan.dataDir }, ...(await volumes.writeFiles(name, plan.files, plan.user))];
    const { spec } = await orchestrator.build({
      instanceId: 1, containerName: name, engine: adapter, image: IMAGE, plan, sizing, mounts, ports: [bindPort(5432, port, false)],
    });
    const t0 = performance.now();
    if (mode === 'api') {
      const { id } = await runtime.createContainer(spec);
      await runtime.startContainer(id);
    } else {
      await run('podman', podmanRunArgs(spec));
    }
    const createMs = performance.now() - t0;
    while (!(await selectOne(port, password))) {
      if (performance.now() - t0 > 120_000) throw new Error(`${name} not ready after 120 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { createMs, readyMs: performance.now() - t0 };
  } finally {
    await runtime.removeContainer(name, { force: true });
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
  await once('api', -1); // warm-up: page cache, conmon, netavark
  const results: Record<'api' | 'cli', { createMs: number; readyMs: number }[]> = { api: [], cli: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const mode of i % 2 ? (['cli', 'api'] as const) : (['api', 'cli'] as const)) {
      const r = await once(mode, i);
      results[mode].push(r);
      console.log(`${mode} #${i}: started ${r.createMs.toFixed(0)} ms, select 1 at ${r.readyMs.toFixed(0)} ms`);
    }
  }
  const row = (m: 'api' | 'cli') => ({
    create: median(results[m].map((r) => r.createMs)),
    ready: median(results[m].map((r) => r.readyMs)),
  });
  const api = row('api');
  const cli = row('cli');
  console.log(`\n${IMAGE}, ${RUNS} interleaved runs each, medians:`);
  console.log(`  PodmanRuntime (API): create+start ${api.create.toFixed(0)} ms, ready ${api.ready.toFixed(0)} ms`);
  console.log(`  podman run (CLI):    create+start ${cli.create.toFixed(0)} ms, ready ${cli.ready.toFixed(0)} ms`);
  console.log(`  ratio API/CLI: create+start ${(api.create / cli.create).toFixed(2)}, ready ${(api.ready / cli.ready).toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
