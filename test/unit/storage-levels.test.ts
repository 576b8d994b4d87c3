import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { limitBytes, storageLevel, storageMessage, storagePercent } from '../../src/services/instances/storage-monitor.js';
import { VolumeService } from '../../src/services/volume-service.js';

const GIB = 1024 ** 3;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('storage levels', () => {
  it('is unknown before a measurement, then ok, warning from 80 % and critical from 95 %', () => {
    expect(storageLevel(null, 1)).toBe('unknown');
    expect(storageLevel(0, 1)).toBe('ok');
    expect(storageLevel(Math.ceil(0.8 * GIB) - 1, 1)).toBe('ok');
    expect(storageLevel(Math.ceil(0.8 * GIB), 1)).toBe('warning');
    expect(storageLevel(Math.ceil(0.95 * GIB) - 1, 1)).toBe('warning');
    expect(storageLevel(Math.ceil(0.95 * GIB), 1)).toBe('critical');
    expect(storageLevel(3 * GIB, 1)).toBe('critical');
    expect(storageLevel(8 * GIB, 10)).toBe('warning');
  });

  it('gives the percent with one decimal, past 100 when the volume outgrew the limit', () => {
    expect(limitBytes(10)).toBe(10 * GIB);
    expect(storagePercent(GIB / 3, 1)).toBe(33.3);
    expect(storagePercent(1.5 * GIB, 1)).toBe(150);
  });

  it('explains warning and critical, and says nothing otherwise', () => {
    expect(storageMessage('ok', 10, 1)).toBeNull();
    expect(storageMessage('unknown', null, 1)).toBeNull();
    expect(storageMessage('warning', 81.2, 1)).toMatch(/81\.2% of its 1 GB.*not enforced/);
    expect(storageMessage('critical', 96, 1)).toMatch(/critical at 95%/);
  });
});

describe('VolumeService.usage', () => {
  const make = async (options: Partial<ConstructorParameters<typeof VolumeService>[0]> = {}) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flux-du-'));
    dirs.push(dataDir);
    return { dataDir, svc: new VolumeService({ dataDir, ownership: 'none', ...options }) };
  };

  it('measures the blocks allocated under the instance directory, as du does', async () => {
    const { svc } = await make();
    const p = await svc.prepare('db-du');
    const before = (await svc.usage('db-du'))!;
    await writeFile(path.join(p.data, 'blob'), Buffer.alloc(3 * 1024 * 1024, 1));
    const after = (await svc.usage('db-du'))!;
    const du = Number((await promisify(execFile)('du', ['-s', '-B1', p.root])).stdout.split(/\s/)[0]);
    expect(after).toBe(du);
    expect(after - before).toBeGreaterThanOrEqual(3 * 1024 * 1024);
  });

  it('answers null for a directory that is gone, and refuses a symlinked one', async () => {
    const { dataDir, svc } = await make();
    expect(await svc.usage('db-none')).toBeNull();
    await svc.prepare('db-real');
    await symlink(path.join(dataDir, 'containers', 'db-real'), path.join(dataDir, 'containers', 'db-link'));
    await expect(svc.usage('db-link')).rejects.toThrow(/symlink/);
    await expect(svc.usage('../etc')).rejects.toThrow(/invalid volume name/);
  });

  it('runs du inside the user namespace when rootless', async () => {
    const calls: string[][] = [];
    const { svc } = await make({ ownership: 'rootless', unshareChown: async () => {}, unshareDu: async (argv) => { calls.push(argv); return `4096\t${argv.at(-1)}\n`; } });
    const p = await svc.prepare('db-rl');
    expect(await svc.usage('db-rl')).toBe(4096);
    expect(calls).toEqual([['du', '-s', '-B1', '--', p.root]]);
  });
});

describe('FLUX_DATABASES_STORAGE_INTERVAL_S', () => {
  it('defaults to 300 s and refuses less than 5, naming the variable', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(loadConfig({}).storageIntervalS).toBe(300);
    expect(loadConfig({ FLUX_DATABASES_STORAGE_INTERVAL_S: '60' }).storageIntervalS).toBe(60);
    expect(() => loadConfig({ FLUX_DATABASES_STORAGE_INTERVAL_S: '1' })).toThrow(/FLUX_DATABASES_STORAGE_INTERVAL_S/);
  });
});
