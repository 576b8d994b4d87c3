import { ModuleError } from '../../errors.js';
import { parseImageRef } from './image-reference.js';

/**
 * Podman 4.3 ends a failed pull with `{"error": "..."}` whose text comes from containers/image, e.g.
 *   reading manifest 16 in 127.0.0.1:5917/library/postgres: manifest unknown: manifest unknown
 *   reading manifest 8.8 in 127.0.0.1:5918/library/redis: unauthorized: authentication required
 *   pinging container registry 127.0.0.1:5918: Get "http://127.0.0.1:5918/v2/": dial tcp ...: connect: connection refused
 * Behind a mirror one text carries every source tried ("(Mirrors also failed: [...])"), so the most
 * specific answer wins: refused credentials, then a missing image, then an unreachable registry.
 */
const AUTH = /unauthorized|authentication required|requested access to the resource is denied|invalid username\/password|\b401\b/i;
const NOT_FOUND = /manifest unknown|name unknown|manifest .*not found|repository .*not found|\b404\b/i;
const UNREACHABLE: [RegExp, string][] = [
  [/connection refused/i, 'connection refused'],
  [/no such host/i, 'the host name does not resolve'],
  [/i\/o timeout|context deadline exceeded|TLS handshake timeout/i, 'no answer in time'],
  [/network is unreachable|no route to host/i, 'no route to it'],
  [/connection reset|EOF/, 'the connection was dropped'],
  [/server gave HTTP response to HTTPS client/i, 'it speaks plain HTTP (mark it insecure in registries.conf)'],
  [/x509|certificate/i, 'its TLS certificate is not trusted'],
  [/pinging container registry|dial tcp/i, 'it did not answer'],
];

/** Podman's text without the "initializing source docker://<ref>: " preamble, capped. */
function podmanDetail(text: string): string {
  const trimmed = text.replace(/^initializing source docker:\/\/\S+?: /, '').trim();
  return trimmed.length > 600 ? `${trimmed.slice(0, 600)}…` : trimmed;
}

/** A failed pull as a coded error whose message says which of the failures it was, and for which image. */
export function pullError(ref: string, text: string, options: { sentCredentials: boolean }): ModuleError {
  const { registry, repository, tag } = parseImageRef(ref);
  const detail = podmanDetail(text);
  if (AUTH.test(text)) {
    const why = options.sentCredentials
      ? `refused the configured credentials for ${registry}`
      : `wants credentials and none are configured for ${registry} (FLUX_DATABASES_REGISTRY_AUTH_FILE)`;
    return new ModuleError('REGISTRY_AUTH_FAILED', `Registry ${registry} ${why}; image ${ref} was not pulled (Podman: ${detail})`);
  }
  if (NOT_FOUND.test(text)) {
    const what = /name unknown/i.test(text) || tag === null ? `no repository ${repository}` : `no tag "${tag}" of ${repository}`;
    return new ModuleError('IMAGE_NOT_FOUND', `Image ${ref} does not exist: registry ${registry} has ${what} (Podman: ${detail})`);
  }
  const cause = UNREACHABLE.find(([re]) => re.test(text));
  if (cause) {
    // A localhost/ image is one built on this host (the stand-in kit): no registry serves it.
    const hint = registry === 'localhost' ? '; a localhost/ image is built on this host (npm run images -- build <engine>), not pulled' : '';
    return new ModuleError('REGISTRY_UNREACHABLE', `Registry ${registry} cannot be reached (${cause[1]}); image ${ref} was not pulled${hint} (Podman: ${detail})`);
  }
  return new ModuleError('INTERNAL', `pull image ${ref} failed: ${detail}`);
}

/** The pull ran out of its own time (FLUX_DATABASES_PULL_TIMEOUT_S) and was cancelled. */
export function pullTimeout(ref: string, timeoutMs: number): ModuleError {
  return new ModuleError('PULL_TIMEOUT', `Pulling image ${ref} did not finish within ${Math.round(timeoutMs / 1000)} s (FLUX_DATABASES_PULL_TIMEOUT_S); it was cancelled`);
}
