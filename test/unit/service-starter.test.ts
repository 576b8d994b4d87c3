import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePodmanService } from '../../src/services/podman/service-starter.js';
import { tempDir } from '../helpers/host.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function dir(): Promise<string> {
  const d = await tempDir('flux-starter-');
  cleanups.push(() => d.remove());
  return d.path;
}

/** A process listening on the socket that is not the Podman API (it accepts and says nothing). */
async function silentListener(socketPath: string): Promise<{ connections: () => number }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((s) => { connections++; sockets.add(s); s.on('error', () => undefined); });
  await new Promise<void>((r) => server.listen(socketPath, r));
  cleanups.push(() => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }));
  return { connections: () => connections };
}

/** 'connected', or the error code a connect to the socket gets. */
function connectTo(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** A socket file nobody listens on (what a killed service leaves): bound, never listening. */
function staleSocket(socketPath: string): void {
  execFileSync('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])', socketPath]);
}

/** Stands in for `podman system service --time=0 unix://PATH`: answers /_ping on PATH. */
async function fakePodman(where: string): Promise<string> {
  const bin = path.join(where, 'podman');
  await writeFile(bin, `#!/bin/sh
pwd > "${where}/service-cwd"
exec node -e 'require("http").createServer((q,s)=>s.end("OK")).listen(process.argv[1].replace("unix://",""))' "$4"
`);
  await chmod(bin, 0o755);
  return bin;
}

describe('ensurePodmanService', () => {
  it('never unlinks a socket another process listens on', async () => {
    const d = await dir();
    const socketPath = path.join(d, 'podman.sock');
    const listener = await silentListener(socketPath);
    expect(await connectTo(socketPath)).toBe('connected');

    const result = await ensurePodmanService({ socketPath, logFile: path.join(d, 'logs', 'podman.log'), podmanBin: await fakePodman(d), timeoutMs: 2000 });
    if (result.pid) cleanups.push(() => { try { process.kill(result.pid!); } catch { /* gone */ } });
    expect(existsSync(socketPath)).toBe(true);
    const before = listener.connections();
    expect(await connectTo(socketPath)).toBe('connected');
    await new Promise((r) => setTimeout(r, 50));
    expect(listener.connections()).toBeGreaterThan(before);
    expect(result).toMatchObject({ started: false, reachable: false, message: expect.stringContaining('in use (listening)') });
  });

  it('replaces a stale socket (connection refused) and starts the service on it', async () => {
    const d = await dir();
    const socketPath = path.join(d, 'podman.sock');
    staleSocket(socketPath);
    expect(await connectTo(socketPath)).toBe('ECONNREFUSED');

    const result = await ensurePodmanService({ socketPath, logFile: path.join(d, 'logs', 'podman.log'), podmanBin: await fakePodman(d), timeoutMs: 10_000 });
    if (result.pid) cleanups.push(() => { try { process.kill(result.pid!); } catch { /* gone */ } });
    expect(result).toMatchObject({ started: true, reachable: true });
  });

  it('starts the service in /, so it outlives the directory the module was started in', async () => {
    const d = await dir();
    const socketPath = path.join(d, 'podman.sock');
    const result = await ensurePodmanService({ socketPath, logFile: path.join(d, 'logs', 'podman.log'), podmanBin: await fakePodman(d), timeoutMs: 10_000 });
    if (result.pid) cleanups.push(() => { try { process.kill(result.pid!); } catch { /* gone */ } });
    expect(result).toMatchObject({ started: true, reachable: true });
    expect((await readFile(path.join(d, 'service-cwd'), 'utf8')).trim()).toBe('/');
  });

  it('answers at once when the API already answers', async () => {
    const d = await dir();
    const socketPath = path.join(d, 'podman.sock');
    const { default: http } = await import('node:http');
    const server = http.createServer((_q, s) => s.end('OK'));
    await new Promise<void>((r) => server.listen(socketPath, r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    expect(await ensurePodmanService({ socketPath, logFile: path.join(d, 'podman.log'), podmanBin: '/nonexistent' })).toMatchObject({ started: false, reachable: true });
  });
});
