/**
 * globalSetup of the podman project: Podman and its API socket must be there (the tier fails, never
 * skips), and the offline stand-in images are built (cached by recipe hash) before any test runs.
 * Image refs reach the tests two ways: FLUX_DATABASES_IMAGE_<ENGINE> in process.env (vitest builds the
 * workers' environment from process.env after global setup) and `inject('standinImages')`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { STANDIN_ENGINES, ensureStandinImages } from '../../src/images/kit.js';
import { labelledSince } from './helpers/leftovers.js';
import { ensureTestRegistry } from './helpers/test-registry.js';

declare module 'vitest' {
  export interface ProvidedContext {
    standinImages: Record<string, string>;
  }
}

function podmanSocket(): string {
  for (const v of [process.env.FLUX_DATABASES_PODMAN_SOCKET, process.env.CONTAINER_HOST]) {
    if (v) return v.replace(/^unix:\/\//, '');
  }
  return process.getuid?.() === 0 ? '/run/podman/podman.sock' : `${process.env.XDG_RUNTIME_DIR ?? '/run/user/' + process.getuid?.()}/podman/podman.sock`;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const suiteStarted = new Date(Date.now() - 1000);
  const version = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error(`podman tests need Podman: \`podman version\` failed (${version.error?.message ?? version.stderr.trim()})`);
  }
  const socket = podmanSocket();
  if (!existsSync(socket)) {
    throw new Error(`podman tests need the Podman API socket ${socket}; start it with: mkdir -p /run/podman; podman system service --time=0 unix://${socket} &`);
  }
  const started = Date.now();
  const refs = await ensureStandinImages([...STANDIN_ENGINES], { log: (l) => console.error(`[images] ${l}`) });
  // The image-pull tests' registry: docker.io's mirror on 127.0.0.1 holding stand-ins under official names.
  const registry = await ensureTestRegistry({ ...refs }, socket, (l) => console.error(`[registry] ${l}`));
  console.error(`[registry] mirror ${registry.mirror} ready in ${registry.seconds.toFixed(1)} s`
    + `${registry.pushed.length ? `, pushed ${registry.pushed.join(', ')}` : ''}${registry.restartedPodman ? ', Podman service restarted' : ''}`);
  for (const [engine, ref] of Object.entries(refs)) {
    const name = `FLUX_DATABASES_IMAGE_${engine.toUpperCase()}`;
    // An explicit override (e.g. an official image where one can be pulled) wins.
    process.env[name] ??= ref;
    refs[engine] = process.env[name]!;
  }
  project.provide('standinImages', refs);
  console.error(`[images] stand-ins ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // After the suite: nothing the tests labelled may be left behind (containers, volumes, networks).
  return async () => {
    const left = await labelledSince(suiteStarted);
    if (!left.length) return;
    // vitest reports a throwing teardown but still exits 0: fail the run explicitly.
    console.error(`FAIL: the podman tests left labelled objects behind: ${left.join(', ')}`);
    process.exitCode = 1;
  };
}
