import { spawn } from 'node:child_process';
import { lstat, mkdir, open, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pingSocket } from '../runtime/socket-discovery.js';

export interface ServiceStart {
  /** True when we spawned a service; false when one already answered. */
  started: boolean;
  reachable: boolean;
  pid?: number;
  message: string;
}

/**
 * Whether a process listens on a unix socket: only a refused connection (ECONNREFUSED: the file
 * is left, nobody accepts) proves it stale. A connection, or any other error, counts as in use.
 */
export function socketListener(socketPath: string, timeoutMs = 1000): Promise<'refused' | 'listening' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const done = (result: string) => { clearTimeout(timer); socket.destroy(); resolve(result); };
    const timer = setTimeout(() => done('connect timed out'), timeoutMs);
    socket.once('connect', () => done('listening'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : err.code ?? err.message));
  });
}

/**
 * Makes sure `podman system service` answers on `socketPath`. There is no systemd on the
 * hosts we target, so it is spawned detached (it outlives the module) with its output in `logFile`.
 */
export async function ensurePodmanService(options: {
  socketPath: string;
  logFile: string;
  podmanBin?: string;
  timeoutMs?: number;
}): Promise<ServiceStart> {
  const { socketPath, logFile } = options;
  if (await pingSocket(socketPath)) return { started: false, reachable: true, message: `Podman API already answers on ${socketPath}` };
  // A socket file left by a dead service makes the new one fail to bind; but a socket someone
  // listens on (a Podman busy starting, any other service) is never unlinked.
  const existing = await lstat(socketPath).catch(() => null);
  if (existing?.isSocket()) {
    const listener = await socketListener(socketPath);
    if (listener !== 'refused') {
      return { started: false, reachable: false, message: `${socketPath} is in use (${listener}) but does not answer as the Podman API; left untouched` };
    }
    await unlink(socketPath);
  }
  await mkdir(path.dirname(socketPath), { recursive: true });
  await mkdir(path.dirname(logFile), { recursive: true, mode: 0o700 });
  const log = await open(logFile, 'a', 0o600);
  // In '/', not the module's directory: the service outlives the module, and once the directory it
  // started in is gone (a checkout replaced or removed) every container start fails with "write
  // child: broken pipe" from the OCI runtime.
  const child = spawn(options.podmanBin ?? 'podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    detached: true, stdio: ['ignore', log.fd, log.fd], cwd: '/',
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.unref();
  await log.close();
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnError, sleep(100).then(() => null)]);
    if (failed) return { started: false, reachable: false, message: `could not start podman system service: ${failed.message}` };
    if (child.exitCode !== null) return { started: false, reachable: false, message: `podman system service exited with code ${child.exitCode}; see ${logFile}` };
    if (await pingSocket(socketPath, 500)) return { started: true, reachable: true, pid: child.pid, message: `started podman system service on ${socketPath} (pid ${child.pid})` };
  }
  return { started: true, reachable: false, pid: child.pid, message: `podman system service (pid ${child.pid}) did not answer on ${socketPath} in time; see ${logFile}` };
}
