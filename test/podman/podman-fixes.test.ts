import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProbe } from '../../src/services/host/host-probe.js';
import { renderDropIn } from '../../src/services/podman/containers-conf.js';
import { PodmanManager } from '../../src/services/podman/podman-manager.js';
import { tempDir, testConfig } from '../helpers/host.js';
import { ensureToolsImage } from './helpers/tools-image.js';

const run = promisify(execFile);
let dir: Awaited<ReturnType<typeof tempDir>>;
let image: string;

/** `podman run` of a trivial container; CONTAINERS_CONF (when given) replaces the host's containers.conf. */
async function podmanRun(conf?: string): Promise<{ ok: boolean; stderr: string }> {
  const env = conf ? { ...process.env, CONTAINERS_CONF: conf } : process.env;
  try {
    await run('podman', ['run', '--rm', '--network=none', '--entrypoint', '/bin/sh', image, '-c', 'exit 0'], { env, timeout: 60_000 });
    return { ok: true, stderr: '' };
  } catch (err) {
    return { ok: false, stderr: String((err as { stderr?: string }).stderr ?? err) };
  }
}

beforeAll(async () => {
  dir = await tempDir();
  image = await ensureToolsImage();
});
afterAll(() => dir?.remove());

describe('the containers.conf fixes against real Podman', () => {
  it('the detected pitfalls are real, and the drop-in the module writes makes containers start', async () => {
    const config = testConfig(dir.path);
    const manager = new PodmanManager({ config, hostProbe: new HostProbe(), logDir: dir.path, dropInDir: path.join(dir.path, 'none.d') });
    const facts = await manager.facts(true);
    const failing = facts.issues.filter((i) => ['nofile', 'nproc', 'oci_runtime'].includes(i.id) && i.severity === 'fail');

    const plain = await podmanRun();
    expect(plain.ok, plain.stderr).toBe(failing.length === 0);
    if (!plain.ok) expect(plain.stderr).toMatch(/rlimit|crun/);

    // Everything the drop-in would hold, applied as the whole config.
    const conf = path.join(dir.path, 'fixed.conf');
    await writeFile(conf, renderDropIn({ runtime: 'runc', nofile: Math.min(facts.nofileHard, 1_048_576), nproc: Math.min(facts.nprocCeiling, 1_048_576) }));
    const fixed = await podmanRun(conf);
    expect(fixed.ok, fixed.stderr).toBe(true);
  });
});
