import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProbe } from '../../src/services/host/host-probe.js';
import { DROP_IN_NAME, parseContainersConf, writeDropIn } from '../../src/services/podman/containers-conf.js';
import { PodmanManager } from '../../src/services/podman/podman-manager.js';
import { tempDir, testConfig } from '../helpers/host.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let manager: PodmanManager;
/** The same manager looking at the drop-in directory Podman really reads. */
let real: PodmanManager;

beforeAll(async () => {
  dir = await tempDir();
  const config = testConfig(dir.path);
  const hostProbe = new HostProbe();
  manager = new PodmanManager({ config, hostProbe, logDir: path.join(dir.path, 'logs'), dropInDir: path.join(dir.path, 'conf.d') });
  real = new PodmanManager({ config, hostProbe, logDir: path.join(dir.path, 'logs') });
});
afterAll(() => dir?.remove());

const procLimit = async (label: string) =>
  Number(new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, 'm').exec(await readFile('/proc/self/limits', 'utf8'))![1]);

describe('pitfall detection on this machine', () => {
  it('sees the cgroups, runtime and limits the host has', async () => {
    const f = await manager.facts(true);
    const cgroup = existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : existsSync('/sys/fs/cgroup/unified') ? 'hybrid' : 'v1';
    expect(f.cgroupVersion).toBe(cgroup);
    expect(f.nofileHard).toBe(await procLimit('Max open files'));
    const pidMax = Number((await readFile('/proc/sys/kernel/pid_max', 'utf8')).trim());
    expect(f.nprocCeiling).toBe(Math.min(await procLimit('Max processes'), pidMax));
    // hybrid cgroups: runc is the runtime that works, so the drop-in pins it (unless a config already does)
    if (cgroup !== 'v2') expect(f.dropIn.runtime ?? f.configuredRuntime).toBe('runc');
    // hard nofile 20000 here: the drop-in lowers Podman's 1048576 to it unless the admin's config did
    if (f.nofileHard < 1_048_576 && !f.rootless) expect(f.dropIn.nofile ?? f.configuredNofile?.hard).toBeLessThanOrEqual(f.nofileHard);
  });
});

describe('drop-in writer', () => {
  it('writes into an injectable directory, idempotently', async () => {
    const target = path.join(dir.path, 'writer.d');
    const first = await writeDropIn(target, { runtime: 'runc', nofile: 20000, nproc: 32768 });
    expect(first).toMatchObject({ path: path.join(target, DROP_IN_NAME), changed: true });
    expect(parseContainersConf(await readFile(first.path, 'utf8'))).toEqual({
      runtime: 'runc', nofile: { soft: 20000, hard: 20000 }, nproc: { soft: 32768, hard: 32768 },
    });
    expect(((await stat(first.path)).mode & 0o777).toString(8)).toBe('644');
    expect((await writeDropIn(target, { runtime: 'runc', nofile: 20000, nproc: 32768 })).changed).toBe(false);
    expect(await writeDropIn(path.join(dir.path, 'none.d'), {})).toMatchObject({ changed: false, content: null });
    expect(existsSync(path.join(dir.path, 'none.d'))).toBe(false);
  });
});

describe('install on this machine (drop-in into a temp dir)', () => {
  it('reports "already installed", writes the fixes, and a second run keeps them', async () => {
    const expected = (await manager.facts(true)).dropIn;
    const request = await manager.install();
    expect(request.accepted).toBe(true);
    const job = (await manager.installDone())!;
    const step = (name: string) => job.steps.find((s) => s.name === name)!;
    expect(step('packages')).toMatchObject({ status: 'ok', message: expect.stringMatching(/already installed/) });
    expect(step('fixes').status).toMatch(/^(ok|warn)$/);
    const file = path.join(dir.path, 'conf.d', DROP_IN_NAME);
    if (expected.nofile || expected.nproc || expected.runtime) {
      const conf = parseContainersConf(await readFile(file, 'utf8'));
      expect(conf.runtime ?? undefined).toBe(expected.runtime);
      expect(conf.nofile?.hard).toBe(expected.nofile);
      expect(conf.nproc?.hard).toBe(expected.nproc);
    }
    expect(step('service')).toMatchObject({ status: 'ok' });
    // The smoke container runs with the config Podman really reads (not the temp dir), so it
    // passes exactly when the host's own config has no failing pitfall.
    const realFails = (await real.facts(true)).issues.filter((i) => i.severity === 'fail');
    const smoke = step('smoke');
    if (smoke.status !== 'skipped') expect(smoke.status).toBe(realFails.length ? 'fail' : 'ok');
    expect(job.state).toBe(job.steps.some((s) => s.status === 'fail') ? 'failed' : 'succeeded');

    const again = await manager.install();
    expect(again.accepted).toBe(true);
    const second = (await manager.installDone())!;
    expect(second.steps.find((s) => s.name === 'packages')!.message).toMatch(/already installed/);
    if (expected.nofile || expected.runtime) expect(second.steps.find((s) => s.name === 'fixes')!.message).toMatch(/^kept /);
    // with the drop-in counted, the temp-dir manager sees the ulimit issues fixed
    const after = await manager.facts(true);
    expect(after.issues.filter((i) => i.id === 'nofile' || i.id === 'nproc')).toEqual([]);
  });
});
