import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { CoalescingWriter } from '../../src/services/images/coalescing-writer.js';
import { ImageCatalog } from '../../src/services/images/image-catalog.js';
import { ImageService } from '../../src/services/images/image-service.js';
import type { PullStatus } from '../../src/services/images/pull-status.js';
import { RegistryAuth } from '../../src/services/images/registry-auth.js';
import { FakeImages } from '../fakes/fake-images.js';
import { memoryLogger } from '../helpers/logger.js';

const REF = 'docker.io/library/postgres:17';

function setup() {
  const missing = new Set([REF]);
  const store = new FakeImages(missing, new Map());
  let release!: () => void;
  store.remote.set(REF, { layers: [100, 300], digest: 'sha256:d1', gate: new Promise<void>((r) => { release = r; }) });
  const runtime = { pullImage: store.pull.bind(store), inspectImage: async (ref: string) => store.inspect(ref) };
  const service = new ImageService({ runtime, auth: { credentialsFor: async () => undefined }, pullTimeoutMs: 60_000, logger: memoryLogger() });
  return { store, missing, service, release: () => release() };
}

describe('ImageService', () => {
  it('creates of one missing image share one pull and each sees its progress', async () => {
    const { store, service, release } = setup();
    const a: PullStatus[] = [];
    const b: PullStatus[] = [];
    const both = Promise.all([service.ensure(REF, (s) => a.push(s)), service.ensure(REF, (s) => b.push(s))]);
    await new Promise((r) => setTimeout(r, 20));
    expect(service.status(REF)).toMatchObject({ state: 'pulling', bytes_done: 400, percent: 99 });
    release();
    const [da, db] = await both;
    expect(store.pulls).toEqual([REF]);
    expect(da.digest).toBe('sha256:d1');
    expect(db).toEqual(da);
    for (const seen of [a, b]) {
      expect(seen.at(-1)).toMatchObject({ state: 'done', percent: 100, digest: 'sha256:d1' });
      expect(seen.some((s) => s.state === 'pulling')).toBe(true);
    }
    // Present now: the next create pulls nothing.
    await service.ensure(REF);
    expect(store.pulls).toEqual([REF]);
  });

  it('a create that looked while a pull ended uses the stored image instead of pulling it again', async () => {
    const store = new FakeImages(new Set([REF]), new Map());
    store.remote.set(REF, { layers: [1], digest: 'sha256:d1' });
    let letAnswer!: () => void;
    const held = new Promise<void>((r) => { letAnswer = r; });
    let inspects = 0;
    const runtime = {
      pullImage: store.pull.bind(store),
      // The first look sees no image, and answers only after the other pull has stored it.
      inspectImage: async (ref: string) => { const now = store.inspect(ref); if (++inspects === 1) await held; return now; },
    };
    const service = new ImageService({ runtime, auth: { credentialsFor: async () => undefined }, pullTimeoutMs: 60_000, logger: memoryLogger() });
    const create = service.ensure(REF);
    await service.pull(REF);
    letAnswer();
    expect((await create).digest).toBe('sha256:d1');
    expect(store.pulls).toEqual([REF]);
  });

  it('a failed pull fails every waiter with its coded reason and is kept as the last outcome', async () => {
    const { store, service, release } = setup();
    store.remote.get(REF)!.fail = () => new ModuleError('REGISTRY_UNREACHABLE', `Registry docker.io cannot be reached (connection refused); image ${REF} was not pulled`);
    const waiters = [service.ensure(REF), service.pull(REF)].map((p) => p.catch((e: ModuleError) => e.code));
    release();
    expect(await Promise.all(waiters)).toEqual(['REGISTRY_UNREACHABLE', 'REGISTRY_UNREACHABLE']);
    expect(store.pulls).toHaveLength(1);
    expect(service.status(REF)).toMatchObject({ state: 'failed', error_code: 'REGISTRY_UNREACHABLE', error: expect.stringContaining('connection refused') });
  });

  it('the catalogue lists container engines only, overrides applied, and refuses embedded engines and unknown versions', async () => {
    const { service } = setup();
    const catalog = new ImageCatalog(service, { redis: 'registry.example.com/redis:7' });
    const list = await catalog.list();
    expect(list.some((e) => e.engine === 'duckdb')).toBe(false);
    expect(list.find((e) => e.engine === 'redis')).toMatchObject({ image: 'registry.example.com/redis:7', overridden: true, present: true });
    expect(list.find((e) => e.engine === 'postgresql')).toMatchObject({ image: REF, present: false, size_bytes: null, pull: null });
    expect(() => catalog.imageFor('duckdb')).toThrow(/no image to pull/);
    expect(() => catalog.imageFor('postgresql', '9.6')).toThrow(/not supported/);
  });
});

describe('RegistryAuth', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'flux-auth-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('finds the most specific entry for an image, Docker Hub under any of its names', async () => {
    const file = path.join(dir, 'auth.json');
    await writeFile(file, JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:hubpw') },
        'registry.example.com': { auth: b64('all:allpw') },
        'registry.example.com/team': { auth: b64('team:teampw:with-colon') },
      },
    }));
    const auth = new RegistryAuth(file);
    expect(await auth.credentialsFor('docker.io/library/postgres:17')).toEqual({ username: 'hub', password: 'hubpw' });
    expect(await auth.credentialsFor('registry.example.com/other/x:1')).toEqual({ username: 'all', password: 'allpw' });
    expect(await auth.credentialsFor('registry.example.com/team/db:2')).toEqual({ username: 'team', password: 'teampw:with-colon' });
    expect(await auth.credentialsFor('quay.io/x/y:1')).toBeUndefined();
    expect(await new RegistryAuth(undefined).credentialsFor('docker.io/library/postgres:17')).toBeUndefined();
  });

  it('a broken file fails with the variable and path, never with its content', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"auths": {"r.io": {"auth": "c2VjcmV0LXB3"}} trailing');
    const err = await new RegistryAuth(file).credentialsFor('r.io/a:1').catch((e: Error) => e);
    expect((err as Error).message).toBe(`FLUX_DATABASES_REGISTRY_AUTH_FILE (${file}) is not valid JSON`);
    const missing = await new RegistryAuth(path.join(dir, 'nope.json')).credentialsFor('r.io/a:1').catch((e: Error) => e);
    expect((missing as Error).message).toContain('cannot be read: ENOENT');
  });
});

describe('CoalescingWriter', () => {
  it('writes the latest value at most once per interval, in order, and flush writes what is pending', async () => {
    const written: number[] = [];
    const w = new CoalescingWriter<number>(async (v) => { written.push(v); }, 50, () => undefined);
    for (let i = 1; i <= 5; i++) w.push(i);
    await new Promise((r) => setTimeout(r, 10));
    expect(written).toEqual([5]);
    w.push(6);
    w.push(7);
    await w.flush();
    expect(written).toEqual([5, 7]);
  });
});
