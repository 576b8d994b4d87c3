import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSocket } from '../../src/services/runtime/socket-discovery.js';

let dir: string;
let server: net.Server;
let live: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'flux-sock-'));
  live = path.join(dir, 'live.sock');
  server = net.createServer();
  await new Promise<void>((r) => server.listen(live, r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('discoverSocket', () => {
  it('uses an explicit override as is, even before anything listens there', () => {
    const missing = path.join(dir, 'missing.sock');
    expect(discoverSocket({ podmanSocket: `unix://${missing}`, containerHost: `unix://${live}` }, 0))
      .toMatchObject({ path: missing, found: false, tried: [{ source: 'config', exists: false }] });
  });

  it('takes the first existing candidate in order and lists what it tried', () => {
    const d = discoverSocket({ containerHost: 'tcp://1.2.3.4:2375', dockerHost: `unix://${live}`, xdgRuntimeDir: dir }, 1000);
    expect(d.path).toBe(live);
    expect(d.found).toBe(true);
    expect(d.tried.map((t) => t.source)).toEqual(['CONTAINER_HOST', 'DOCKER_HOST', 'XDG_RUNTIME_DIR', 'rootful default']);
    expect(d.tried[0]).toMatchObject({ path: null, note: expect.stringContaining('not a unix socket') });
  });

  it('falls back to the rootful socket, else to where a rootless service should be started', () => {
    const rootful = statSync('/run/podman/podman.sock', { throwIfNoEntry: false })?.isSocket() ?? false;
    expect(discoverSocket({ xdgRuntimeDir: path.join(dir, 'none') }, 1000)).toEqual(expect.objectContaining(rootful
      ? { found: true, path: '/run/podman/podman.sock' }
      : { found: false, path: path.join(dir, 'none/podman/podman.sock') }));
  });
});
