import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type HostApp } from '../../host/build-host.js';
import { ENGINE_IDS } from '../../src/services/adapters/types.js';
import { SERIES, SKUS } from '../../src/services/orchestration/skus.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { MOUNT } from '../helpers/seed-routes.js';

const sh = promisify(execFile);
let dir: Awaited<ReturnType<typeof tempDir>>;
let app: HostApp;
let token: string;

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url: MOUNT + url, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const near = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);

beforeAll(async () => {
  dir = await tempDir();
  app = await buildHost(testConfig(dir.path), { logger: false });
  token = JSON.parse(await readFile(path.join(dir.path, 'host-tokens.json'), 'utf8')).read;
});
afterAll(async () => {
  await app?.close();
  await dir?.remove();
});

describe('system routes against the host itself', () => {
  it('GET /system-info matches /proc, nproc and df', async () => {
    const info = await get('/system-info');
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(meminfo)![1]);
    near(info.memory.total_mb, kb('MemTotal') / 1024, 1);
    near(info.memory.available_mb, kb('MemAvailable') / 1024, 256); // moves while the test runs
    expect(info.cpu_count).toBe(Number((await sh('nproc')).stdout.trim()));
    expect(info.cpu.count).toBe(info.cpu_count);
    expect(info.cpu.model).toBe(/^model name\s*:\s*(.+)$/m.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]!.model);
    const df = (await sh('df', ['-B1', '--output=size,avail', dir.path])).stdout.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
    near(info.disk.total_bytes, df[0]!, df[0]! * 0.001);
    near(info.disk.free_bytes, df[1]!, 256 * 1024 ** 2);
    expect(info.load_average).toHaveLength(3);
  });

  it('GET /status reports the module and podman --version', async () => {
    const status = await get('/status');
    const manifest = JSON.parse(await readFile('module.json', 'utf8'));
    expect(status).toMatchObject({ status: 'ok', module: { id: '620600', name: 'databases', version: manifest.version } });
    const version = /(\d+\.\d+\.\d+)/.exec((await sh('podman', ['--version'])).stdout)![1];
    expect(status.podman).toMatchObject({ installed: true, version, reachable: true });
    expect(existsSync(status.podman.socket)).toBe(true);
  });

  it('GET /requirements and /podman/status agree with the host', async () => {
    const req = await get('/requirements');
    const byId = Object.fromEntries(req.checks.map((c: { id: string }) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(['podman', 'api_socket', 'privileges', 'cgroups', 'oci_runtime', 'nofile', 'nproc', 'disk', 'memory', 'cpu']);
    const worst = req.checks.some((c: { status: string }) => c.status === 'fail') ? 'fail'
      : req.checks.some((c: { status: string }) => c.status === 'warn') ? 'warn' : 'ok';
    expect(req.verdict).toBe(worst);

    const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(await readFile('/proc/self/limits', 'utf8'))![1]!;
    expect(byId.nofile.value).toContain(`hard ${hard}`);
    const cgroup = existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : existsSync('/sys/fs/cgroup/unified') ? 'hybrid' : 'v1';
    expect(byId.cgroups.value).toBe(cgroup);
    const runtime = (await sh('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'])).stdout.trim();
    expect(byId.oci_runtime.value).toBe(runtime);
    expect(byId.privileges.value).toMatch(process.getuid!() === 0 ? /^rootful/ : /^rootless/);

    const podman = await get('/podman/status');
    expect(podman).toMatchObject({ installed: true, reachable: true, ociRuntime: runtime, cgroupVersion: cgroup, rootless: process.getuid!() !== 0 });
    const nofileIssue = podman.issues.find((i: { id: string }) => i.id === 'nofile');
    expect(byId.nofile.status === 'fail').toBe(Boolean(nofileIssue));
    if (nofileIssue) expect(nofileIssue.fix).toMatch(new RegExp(`nofile=(\\d+):\\1`));
  });

  it('GET /engines lists all 25 engines', async () => {
    const engines = await get('/engines');
    expect(engines.map((e: { engine: string }) => e.engine).sort()).toEqual([...ENGINE_IDS].sort());
    for (const e of engines) {
      expect(e).toMatchObject({ display_name: expect.any(String), category: expect.any(String), default_image: expect.any(String), default_version: expect.any(String) });
      // Embedded engines (DuckDB) run inside the module: no container, no port.
      expect(e.ports.length > 0, e.engine).toBe(!e.is_embedded);
    }
  });

  it('GET /skus is the seed table with each series\' Podman flags', async () => {
    const skus = await get('/skus');
    expect(skus.default).toBe('d2');
    expect(skus.skus).toHaveLength(21);
    expect(skus.skus.map((s: { id: string; cpus: number; memory_mb: number; storage_gb: number }) => [s.id, s.cpus, s.memory_mb, s.storage_gb]))
      .toEqual(SKUS.map((s) => [s.id, s.cpus, s.memoryMb, s.storageGb]));
    expect(skus.skus.find((s: { id: string }) => s.id === 'b1')).toMatchObject({ cpus: 0.5, memory_mb: 1024, storage_gb: 10 });
    expect(skus.skus.find((s: { id: string }) => s.id === 'e64')).toMatchObject({ cpus: 64, memory_mb: 262144, storage_gb: 2048 });
    const flags = Object.fromEntries(skus.series.map((s: { series: string; podman_flags: string[] }) => [s.series, s.podman_flags]));
    expect(flags).toEqual(Object.fromEntries(Object.values(SERIES).map((s) => [s.series, s.podmanFlags])));
    expect(flags.E).toEqual(['--cpu-shares=1024', '--memory-swappiness=0', '--oom-score-adj=-500']);
  });
});
