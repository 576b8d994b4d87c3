import { accessSync, constants, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Config } from '../../config.js';

export interface SocketCandidate {
  source: 'config' | 'CONTAINER_HOST' | 'DOCKER_HOST' | 'XDG_RUNTIME_DIR' | 'rootful default';
  /** Unix socket path, or null when the value was not a unix:// address. */
  path: string | null;
  exists: boolean;
  note?: string;
}

export interface SocketDiscovery {
  /** First candidate that exists as a socket; otherwise where a service should be started. */
  path: string;
  found: boolean;
  tried: SocketCandidate[];
}

type SocketSettings = Pick<Config, 'podmanSocket' | 'containerHost' | 'dockerHost' | 'xdgRuntimeDir'>;

function toPath(value: string): string | null {
  if (value.startsWith('unix://')) return value.slice('unix://'.length);
  return value.startsWith('/') ? value : null;
}

// connect(2) on a unix socket needs write permission: a non-root module sees root's
// /run/podman/podman.sock (srw------- root) but cannot use it, and must not pick (or unlink) it.
function isSocket(p: string): boolean {
  try {
    if (!statSync(p).isSocket()) return false;
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the Podman API socket: the config override (used as is when set), then the first
 * existing of CONTAINER_HOST, DOCKER_HOST, $XDG_RUNTIME_DIR/podman/podman.sock and
 * /run/podman/podman.sock. Only unix sockets count.
 */
export function discoverSocket(config: SocketSettings, uid = process.getuid?.() ?? 0): SocketDiscovery {
  const raw: [SocketCandidate['source'], string | undefined][] = [
    ['config', config.podmanSocket],
    ['CONTAINER_HOST', config.containerHost],
    ['DOCKER_HOST', config.dockerHost],
    ['XDG_RUNTIME_DIR', config.xdgRuntimeDir && path.join(config.xdgRuntimeDir, 'podman/podman.sock')],
    ['rootful default', '/run/podman/podman.sock'],
  ];
  const tried: SocketCandidate[] = [];
  for (const [source, value] of raw) {
    if (!value) continue;
    const p = toPath(value);
    tried.push(p ? { source, path: p, exists: isSocket(p) } : { source, path: null, exists: false, note: `not a unix socket: ${value}` });
  }
  // An explicit override is the admin's choice: use it even when nothing answers there yet.
  const override = tried[0]?.source === 'config' ? tried[0] : undefined;
  if (override?.path) return { path: override.path, found: override.exists, tried: [override] };
  const hit = tried.find((c) => c.exists);
  if (hit?.path) return { path: hit.path, found: true, tried };
  // Where to start a service: the rootless or rootful default.
  const fallback = (uid !== 0 && config.xdgRuntimeDir ? path.join(config.xdgRuntimeDir, 'podman/podman.sock') : null)
    ?? (uid !== 0 ? `/run/user/${uid}/podman/podman.sock` : '/run/podman/podman.sock');
  return { path: fallback, found: false, tried };
}

/** True when a Docker-compatible API answers GET /_ping on the socket within `timeoutMs`. */
export function pingSocket(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
