import type Docker from 'dockerode';
import type { NetworkInfo, NetworkSpec } from './container-runtime.js';

/**
 * Networks go through libpod endpoints, not the compat ones: on Podman 4.3 a compat
 * GET /networks or /networks/{name} drops the `isolate` option from the service's in-memory copy
 * of the network (the file on disk keeps it), so containers started afterwards got no isolation
 * rules and reached other VNets. Measured: create + compat inspect -> 1 of 2 networks isolated,
 * compat list -> 0 of 2; the libpod equivalents -> 2 of 2.
 */
const LIBPOD = '/v4.0.0/libpod';

interface LibpodNetwork {
  name: string;
  id: string;
  subnets?: { subnet: string; gateway?: string }[] | null;
  labels?: Record<string, string> | null;
  options?: Record<string, string> | null;
}

/** One libpod request; `signal` aborts it (the runtime's per-request timeout). */
export function dial<T>(docker: Docker, method: 'GET' | 'POST' | 'DELETE', path: string, query?: Record<string, unknown>, body?: object, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `${LIBPOD}${path}${query ? '?' : ''}`,
        method,
        ...(signal ? { abortSignal: signal } : {}),
        // docker-modem sends `options` as the query for GET/DELETE and as the JSON body for POST.
        options: method === 'POST' ? { _query: query ?? {}, _body: body ?? {} } : query ?? {},
        ...(method === 'POST' ? { allowEmpty: true } : {}),
        statusCodes: { 200: true, 201: true, 204: true, 404: 'not found', 409: 'conflict', 500: 'server error' },
      },
      (err, data) => (err ? reject(err) : resolve(data as T)),
    );
  });
}

export function toNetworkInfo(n: LibpodNetwork): NetworkInfo {
  const v4 = (n.subnets ?? []).find((s) => !s.subnet.includes(':')) ?? n.subnets?.[0];
  return { name: n.name, id: n.id, subnet: v4?.subnet ?? null, gateway: v4?.gateway ?? null, labels: n.labels ?? {} };
}

export async function createNetwork(docker: Docker, spec: NetworkSpec, signal?: AbortSignal): Promise<NetworkInfo> {
  const created = await dial<LibpodNetwork>(docker, 'POST', '/networks/create', undefined, {
    name: spec.name,
    driver: 'bridge',
    internal: spec.internal ?? false,
    labels: { ...spec.labels },
    subnets: [{ subnet: spec.subnet, ...(spec.gateway ? { gateway: spec.gateway } : {}) }],
    // Podman bridges are not isolated from each other by default (measured: a container on one
    // network reached another network's container by IP). netavark's isolate option drops
    // forwarding between isolated bridges; traffic from a non-isolated network (e.g. the default
    // `podman` one) into an isolated one is still forwarded (`isolate=strict` needs Podman 4.4+).
    options: { isolate: 'true' },
  }, signal);
  return toNetworkInfo(created);
}

export async function inspectNetwork(docker: Docker, name: string, signal?: AbortSignal): Promise<NetworkInfo> {
  return toNetworkInfo(await dial<LibpodNetwork>(docker, 'GET', `/networks/${encodeURIComponent(name)}/json`, undefined, undefined, signal));
}

export async function listNetworks(docker: Docker, labelFilters: string[], signal?: AbortSignal): Promise<NetworkInfo[]> {
  const query = labelFilters.length ? { filters: JSON.stringify({ label: labelFilters }) } : {};
  const rows = await dial<LibpodNetwork[] | null>(docker, 'GET', '/networks/json', query, undefined, signal);
  return (rows ?? []).map(toNetworkInfo);
}

export async function removeNetwork(docker: Docker, name: string, signal?: AbortSignal): Promise<void> {
  await dial<unknown>(docker, 'DELETE', `/networks/${encodeURIComponent(name)}`, undefined, undefined, signal);
}
