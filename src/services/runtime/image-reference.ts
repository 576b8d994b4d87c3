/** An image reference split the way Docker and Podman read it. */
export interface ImageReference {
  /** Registry host[:port]; `docker.io` when the reference names none. */
  registry: string;
  /** Path inside the registry, e.g. `library/postgres`. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

const DOCKER_HUB = 'docker.io';
/** Spellings of Docker Hub in auth files and references. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Docker Hub's aliases as one name; any other host is kept as given (lower-cased). */
export function normalizeRegistry(host: string): string {
  const bare = host.replace(/^https?:\/\//, '').replace(/\/v[12]\/?$/, '').replace(/\/+$/, '').toLowerCase();
  return DOCKER_HUB_ALIASES.has(bare) ? DOCKER_HUB : bare;
}

/**
 * Splits `[registry/]repository[:tag][@digest]`. The first path component is a registry when it
 * has a dot or a port, or is `localhost` (Docker's rule); otherwise the image is on Docker Hub,
 * where a one-component name lives under `library/`.
 */
export function parseImageRef(ref: string): ImageReference {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? normalizeRegistry(first) : DOCKER_HUB;
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag: tag ?? (digest ? null : 'latest'), digest };
}

/** `registry/repository`: how Podman names the image in RepoDigests. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}
