import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { parseImageRef } from '../../src/services/runtime/image-reference.js';
import { pullWithProgress, toImageDetails } from '../../src/services/runtime/podman-pull.js';
import { pullError } from '../../src/services/runtime/pull-errors.js';
import { PullTally, type CompatPullEvent } from '../../src/services/runtime/pull-tally.js';

// Recorded from Podman 4.3.1's POST /images/create, pulling through a local docker-registry mirror.
const POSTGRES_STREAM: CompatPullEvent[] = [
  { status: 'Pulling fs layer', progressDetail: {}, id: '8178cb77713a' },
  { status: 'Downloading', progressDetail: { current: 52013118, total: 192112587 }, id: '8178cb77713a' },
  { status: 'Downloading', progressDetail: { current: 98667091, total: 192112587 }, id: '8178cb77713a' },
  { status: 'Downloading', progressDetail: { current: 150141070, total: 192112587 }, id: '8178cb77713a' },
  { status: 'Download complete', progressDetail: {}, id: '8178cb77713a' },
  { status: 'Pulling fs layer', progressDetail: {}, id: '19db9ca7f2c3' },
  { status: 'Download complete', progressDetail: {}, id: '19db9ca7f2c3' },
  { status: 'Download complete', progressDetail: {}, id: '19db9ca7f2c3' },
];
const NOT_FOUND_BEHIND_MIRROR = 'initializing source docker://postgres:16: (Mirrors also failed: [127.0.0.1:5917/library/postgres:16: reading manifest 16 in 127.0.0.1:5917/library/postgres: manifest unknown: manifest unknown]): docker.io/library/postgres:16: pinging container registry registry-1.docker.io: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host';
const REFUSED = 'initializing source docker://127.0.0.1:5918/library/redis:8.8: pinging container registry 127.0.0.1:5918: Get "http://127.0.0.1:5918/v2/": dial tcp 127.0.0.1:5918: connect: connection refused';
const NO_HOST = 'initializing source docker://nosuch.invalid/library/redis:8.8: pinging container registry nosuch.invalid: Get "https://nosuch.invalid/v2/": dial tcp: lookup nosuch.invalid on 10.255.255.53:53: no such host';
const UNAUTHORIZED = 'initializing source docker://127.0.0.1:5918/library/redis:8.8: reading manifest 8.8 in 127.0.0.1:5918/library/redis: unauthorized: authentication required';

describe('image references', () => {
  it('splits registry, repository, tag and digest the way Podman does', () => {
    expect(parseImageRef('docker.io/library/postgres:17')).toEqual({ registry: 'docker.io', repository: 'library/postgres', tag: '17', digest: null });
    expect(parseImageRef('postgres')).toMatchObject({ registry: 'docker.io', repository: 'library/postgres', tag: 'latest' });
    expect(parseImageRef('bitnami/redis:7')).toMatchObject({ registry: 'docker.io', repository: 'bitnami/redis' });
    expect(parseImageRef('127.0.0.1:5918/library/redis:8.8')).toMatchObject({ registry: '127.0.0.1:5918', repository: 'library/redis', tag: '8.8' });
    expect(parseImageRef('localhost/flux-standin-redis:7.0')).toMatchObject({ registry: 'localhost', repository: 'flux-standin-redis' });
    expect(parseImageRef('index.docker.io/library/redis@sha256:abc')).toEqual({ registry: 'docker.io', repository: 'library/redis', tag: null, digest: 'sha256:abc' });
    expect(parseImageRef('mcr.microsoft.com/mssql/server:2022-latest').registry).toBe('mcr.microsoft.com');
  });

  it('records the digest under the reference\'s own repository', () => {
    const d = toImageDetails('docker.io/library/postgres:17', {
      Id: 'abc', Digest: 'sha256:local', Size: 42,
      RepoDigests: ['127.0.0.1:5918/library/postgres@sha256:other', 'docker.io/library/postgres@sha256:mine'],
    });
    expect(d).toMatchObject({ id: 'abc', digest: 'sha256:mine', sizeBytes: 42 });
    expect(toImageDetails('localhost/x:1', { Id: 'i', Digest: 'sha256:local' }).digest).toBe('sha256:local');
  });
});

describe('pull progress from Podman\'s stream', () => {
  it('sums bytes and layers, never reaching 100 before the end, and drops the config blob at the end', () => {
    const tally = new PullTally();
    const seen = POSTGRES_STREAM.flatMap((e) => (tally.apply(e) ? [tally.snapshot()] : []));
    expect(seen.map((s) => s.bytesDone)).toEqual([0, 52013118, 98667091, 150141070, 192112587, 192112587, 192112587]);
    expect(seen.map((s) => s.percent)).toEqual([0, 27, 51, 78, 99, 99, 99]);
    expect(tally.snapshot(true, '19db9ca7f2c3')).toEqual({ layersDone: 1, layersTotal: 1, bytesDone: 192112587, bytesTotal: 192112587, percent: 100 });
  });

  it('counts a layer already present as done without bytes', () => {
    const tally = new PullTally();
    tally.apply({ status: 'Already exists', id: '6bfe5fc08497' });
    tally.apply({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' });
    expect(tally.snapshot()).toMatchObject({ layersDone: 1, layersTotal: 2, bytesDone: 0, percent: 50 });
  });
});

describe('pull failures get their own code and a message naming the image', () => {
  const sent = { sentCredentials: false };

  it('a missing tag behind a mirror is IMAGE_NOT_FOUND, even though docker.io itself did not resolve', () => {
    const e = pullError('docker.io/library/postgres:16', NOT_FOUND_BEHIND_MIRROR, sent);
    expect(e.code).toBe('IMAGE_NOT_FOUND');
    expect(e.message).toMatch(/^Image docker\.io\/library\/postgres:16 does not exist: registry docker\.io has no tag "16" of library\/postgres/);
    expect(e.message).not.toContain('initializing source');
  });

  it('connection refused and an unknown host are REGISTRY_UNREACHABLE with the cause', () => {
    expect(pullError('127.0.0.1:5918/library/redis:8.8', REFUSED, sent)).toMatchObject({
      code: 'REGISTRY_UNREACHABLE', message: expect.stringMatching(/^Registry 127\.0\.0\.1:5918 cannot be reached \(connection refused\)/),
    });
    expect(pullError('nosuch.invalid/library/redis:8.8', NO_HOST, sent).message).toContain('cannot be reached (the host name does not resolve)');
  });

  it('a missing localhost/ image says it is built on this host, not pulled', () => {
    const text = 'initializing source docker://localhost/flux-standin-nope:1: pinging container registry localhost: Get "https://localhost/v2/": dial tcp 127.0.0.1:443: connect: connection refused';
    expect(pullError('localhost/flux-standin-nope:1', text, sent).message).toContain('a localhost/ image is built on this host (npm run images -- build <engine>), not pulled');
  });

  it('a registry that wants credentials says whether none were configured or they were refused', () => {
    const none = pullError('127.0.0.1:5918/library/redis:8.8', UNAUTHORIZED, sent);
    expect(none.code).toBe('REGISTRY_AUTH_FAILED');
    expect(none.message).toContain('wants credentials and none are configured for 127.0.0.1:5918 (FLUX_DATABASES_REGISTRY_AUTH_FILE)');
    expect(pullError('127.0.0.1:5918/library/redis:8.8', UNAUTHORIZED, { sentCredentials: true }).message).toContain('refused the configured credentials');
  });

  it('anything else is INTERNAL with Podman\'s text', () => {
    expect(pullError('x.io/a:1', 'writing blob: no space left on device', sent)).toMatchObject({ code: 'INTERNAL', message: 'pull image x.io/a:1 failed: writing blob: no space left on device' });
  });
});

/** A dockerode stand-in whose pull answers with these lines (or never ends). */
function dockerAnswering(lines: CompatPullEvent[] | 'hang', seen: { opts?: Record<string, unknown> } = {}): Docker {
  return {
    pull: async (_ref: string, opts: Record<string, unknown>) => {
      seen.opts = opts;
      if (lines === 'hang') return new Readable({ read() {} });
      return Readable.from(lines.map((l) => `${JSON.stringify(l)}\n`));
    },
  } as unknown as Docker;
}

describe('pullWithProgress', () => {
  it('reports progress, sends credentials in the auth config (never the URL) and returns the image id', async () => {
    const seen: { opts?: Record<string, unknown> } = {};
    const progress: number[] = [];
    const id = await pullWithProgress(dockerAnswering(POSTGRES_STREAM, seen), 'docker.io/library/postgres:17', {
      credentials: { username: 'u', password: 'p' }, onProgress: (p) => progress.push(p.percent),
    });
    expect(id).toBe('19db9ca7f2c3');
    expect(progress.at(-1)).toBe(100);
    expect(progress.slice(0, -1).every((p) => p < 100)).toBe(true);
    expect(seen.opts?.authconfig).toEqual({ username: 'u', password: 'p', serveraddress: 'docker.io' });
  });

  it('turns the stream\'s error line into the coded failure', async () => {
    const err = await pullWithProgress(dockerAnswering([{ status: 'Pulling fs layer', id: 'a' }, { error: UNAUTHORIZED, errorDetail: { message: UNAUTHORIZED } }]), '127.0.0.1:5918/library/redis:8.8')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).code).toBe('REGISTRY_AUTH_FAILED');
  });

  it('cancels a pull that outlives its own timeout with PULL_TIMEOUT', async () => {
    const started = Date.now();
    const err = await pullWithProgress(dockerAnswering('hang'), 'docker.io/library/postgres:17', { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((err as ModuleError).code).toBe('PULL_TIMEOUT');
    expect((err as Error).message).toContain('FLUX_DATABASES_PULL_TIMEOUT_S');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('maps an answer Podman gave before streaming (a short name it cannot resolve) through the same rules', async () => {
    const docker = { pull: async () => { throw Object.assign(new Error('(HTTP code 400) unexpected'), { statusCode: 400, json: { message: 'failed to resolve image name: short-name resolution enforced' } }); } } as unknown as Docker;
    const err = await pullWithProgress(docker, 'postgres:17').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('short-name resolution enforced') });
  });
});
