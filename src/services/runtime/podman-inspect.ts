import type Docker from 'dockerode';
import type { ContainerInfo, ContainerState, PortBinding, Ulimit } from './container-runtime.js';

const STATES = new Set<ContainerState['status']>(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

/** Podman reports "configured" and "stopped" where Docker says created/exited. */
export function normalizeStatus(raw: string | undefined): ContainerState['status'] {
  const s = (raw ?? '').toLowerCase();
  if (s === 'configured' || s === 'initialized') return 'created';
  if (s === 'stopped' || s === 'stopping') return 'exited';
  return STATES.has(s as ContainerState['status']) ? (s as ContainerState['status']) : 'unknown';
}

/** Zero dates ("0001-01-01T00:00:00Z") mean "never". */
const dateOrNull = (v: string | undefined): string | null => (!v || v.startsWith('0001-01-01') ? null : v);

function parsePorts(map: Record<string, { HostIp: string; HostPort: string }[] | null> | undefined): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, binds] of Object.entries(map ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of binds ?? []) {
      out.push({
        containerPort: Number(port),
        hostPort: Number(b.HostPort),
        hostIp: b.HostIp || '0.0.0.0',
        protocol: proto === 'udp' ? 'udp' : 'tcp',
      });
    }
  }
  return out;
}

const ULIMIT_NAMES = new Set<Ulimit['name']>(['nofile', 'nproc', 'memlock']);

function parseUlimits(raw: { Name?: string; Soft?: number; Hard?: number }[] | undefined): Ulimit[] {
  const out: Ulimit[] = [];
  for (const u of raw ?? []) {
    // Podman reports names as RLIMIT_NOFILE; Docker as nofile.
    const name = (u.Name ?? '').toLowerCase().replace(/^rlimit_/, '') as Ulimit['name'];
    if (ULIMIT_NAMES.has(name)) out.push({ name, soft: u.Soft ?? 0, hard: u.Hard ?? 0 });
  }
  return out;
}

/** Inspect output -> ContainerInfo. Env values are dropped here: only names leave the runtime layer. */
export function toContainerInfo(raw: Docker.ContainerInspectInfo): ContainerInfo {
  const hc = raw.HostConfig as Docker.HostConfig & { OomScoreAdj?: number; Ulimits?: { Name?: string; Soft?: number; Hard?: number }[] };
  const st = raw.State as Docker.ContainerInspectInfo['State'] & { OOMKilled?: boolean; Error?: string };
  const networks: Record<string, { ipAddress: string }> = {};
  for (const [name, n] of Object.entries(raw.NetworkSettings?.Networks ?? {})) networks[name] = { ipAddress: n.IPAddress ?? '' };
  const state: ContainerState = {
    status: normalizeStatus(st?.Status),
    running: Boolean(st?.Running),
    exitCode: typeof st?.ExitCode === 'number' ? st.ExitCode : null,
    startedAt: dateOrNull(st?.StartedAt),
    finishedAt: dateOrNull(st?.FinishedAt),
    oomKilled: Boolean(st?.OOMKilled),
  };
  if (st?.Error) state.error = st.Error;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    image: raw.Config?.Image ?? raw.Image,
    created: raw.Created,
    labels: raw.Config?.Labels ?? {},
    state,
    envNames: (raw.Config?.Env ?? []).map((e) => e.split('=', 1)[0]!),
    ports: parsePorts(raw.HostConfig?.PortBindings as Record<string, { HostIp: string; HostPort: string }[] | null>),
    networks,
    mounts: (raw.Mounts ?? []).map((m) => ({ source: m.Source, target: m.Destination, readOnly: !m.RW })),
    hostConfig: {
      memoryBytes: hc.Memory ?? 0,
      nanoCpus: hc.NanoCpus ?? 0,
      cpuShares: hc.CpuShares ?? 0,
      memorySwapBytes: hc.MemorySwap ?? 0,
      memorySwappiness: typeof hc.MemorySwappiness === 'number' && hc.MemorySwappiness >= 0 ? hc.MemorySwappiness : null,
      oomScoreAdj: hc.OomScoreAdj ?? 0,
      pidsLimit: hc.PidsLimit ?? 0,
      capAdd: hc.CapAdd ?? [],
      capDrop: hc.CapDrop ?? [],
      securityOpt: hc.SecurityOpt ?? [],
      readOnlyRootfs: Boolean(hc.ReadonlyRootfs),
      privileged: Boolean(hc.Privileged),
      networkMode: hc.NetworkMode ?? '',
      pidMode: hc.PidMode ?? '',
      restartPolicy: hc.RestartPolicy?.Name ?? '',
      ulimits: parseUlimits(hc.Ulimits),
    },
  };
}

/** { a: 'x', b: true } -> the `label` filter list Podman understands (key=value, or key for presence). */
export function labelFilter(labels: Record<string, string | true>): string[] {
  return Object.entries(labels).map(([k, v]) => (v === true ? k : `${k}=${v}`));
}
