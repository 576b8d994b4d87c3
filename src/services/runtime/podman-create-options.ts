import type Docker from 'dockerode';
import type { ContainerSpec } from './container-runtime.js';

/** Podman's compat API takes Binds as `src:dst:opts`; a colon or comma in a path would be misparsed. */
function bindString(source: string, target: string, readOnly: boolean, relabel: boolean): string {
  for (const p of [source, target]) {
    if (/[:,]/.test(p)) throw new Error(`bind mount path ${JSON.stringify(p)} must not contain ':' or ','`);
  }
  const opts = [readOnly ? 'ro' : 'rw', ...(relabel ? ['Z'] : [])];
  return `${source}:${target}:${opts.join(',')}`;
}

const portKey = (port: number, protocol = 'tcp') => `${port}/${protocol}`;

/**
 * ContainerSpec -> the body of POST /containers/create. The hardening fields are written here
 * unconditionally (cap-drop ALL, no-new-privileges, never privileged, never host namespaces)
 * so no spec can switch them off.
 */
export function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  if (spec.network && /^(host|container|ns)(:|$)/.test(spec.network.name)) {
    throw new Error(`container ${spec.name}: network mode ${spec.network.name} would share a host or foreign namespace`);
  }
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.ports) {
    const key = portKey(p.containerPort, p.protocol);
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  const r = spec.resources;
  const hostConfig: Docker.HostConfig = {
    PortBindings: bindings,
    Binds: spec.mounts.map((m) => bindString(m.source, m.target, m.readOnly ?? false, m.relabel ?? false)),
    Tmpfs: { ...spec.tmpfs },
    Memory: r.memoryBytes,
    NanoCpus: r.nanoCpus,
    PidsLimit: r.pidsLimit,
    CapDrop: ['ALL'],
    CapAdd: [...spec.capAdd],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: spec.readOnlyRootfs,
    Ulimits: spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
    RestartPolicy: { Name: spec.restartPolicy },
    Privileged: false,
    PidMode: '',
    IpcMode: 'private',
    NetworkMode: spec.network?.name ?? 'bridge',
  };
  if (r.cpuShares !== undefined) hostConfig.CpuShares = r.cpuShares;
  if (r.memorySwapBytes !== undefined) hostConfig.MemorySwap = r.memorySwapBytes;
  if (r.memorySwappiness !== undefined) hostConfig.MemorySwappiness = r.memorySwappiness;
  if (r.oomScoreAdj !== undefined) hostConfig.OomScoreAdj = r.oomScoreAdj;
  if (spec.shmSizeBytes !== undefined) hostConfig.ShmSize = spec.shmSizeBytes;
  if (spec.logMaxSizeBytes !== undefined) {
    hostConfig.LogConfig = { Type: 'k8s-file', Config: { 'max-size': String(spec.logMaxSizeBytes) } };
  }

  const options: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Labels: { ...spec.labels },
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    ExposedPorts: exposed,
    HostConfig: hostConfig,
  };
  if (spec.entrypoint) options.Entrypoint = spec.entrypoint;
  if (spec.cmd) options.Cmd = spec.cmd;
  if (spec.user) options.User = spec.user;
  if (spec.stopTimeoutSeconds !== undefined) options.StopTimeout = spec.stopTimeoutSeconds;
  // 'none' takes no endpoint settings (Podman refuses them outside bridge mode).
  if (spec.network && spec.network.name !== 'none') {
    options.NetworkingConfig = {
      EndpointsConfig: {
        [spec.network.name]: spec.network.ipv4 ? { IPAMConfig: { IPv4Address: spec.network.ipv4 } } : {},
      },
    };
  }
  return options;
}
