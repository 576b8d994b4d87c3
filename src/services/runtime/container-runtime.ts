/**
 * What the services need from a container engine. The only implementation talks to Podman's
 * Docker-compatible API through dockerode (podman-runtime.ts); unit tests fake this interface.
 * Services never import dockerode.
 */
import type { Readable, Writable } from 'node:stream';

export interface PortBinding {
  containerPort: number;
  hostPort: number;
  /** 127.0.0.1 unless external access was asked for. */
  hostIp: string;
  protocol?: 'tcp' | 'udp';
}

export interface BindMount {
  /** Absolute host path, proven to lie inside the module's data directory. */
  source: string;
  target: string;
  readOnly?: boolean;
  /** SELinux relabel (`Z`) where the host uses SELinux. */
  relabel?: boolean;
}

export interface Ulimit {
  name: 'nofile' | 'nproc' | 'memlock';
  soft: number;
  hard: number;
}

export interface ResourceLimits {
  memoryBytes: number;
  nanoCpus: number;
  cpuShares?: number;
  /** Equal to memoryBytes for no swap (F series). */
  memorySwapBytes?: number;
  memorySwappiness?: number;
  oomScoreAdj?: number;
  pidsLimit: number;
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  /** Replaces the image's entrypoint when set. */
  entrypoint?: string[];
  cmd?: string[];
  /** uid:gid the container runs as; omit to use the image's user. */
  user?: string;
  ports: PortBinding[];
  mounts: BindMount[];
  /** target path -> mount options, e.g. { '/run/postgresql': 'rw,nosuid,nodev,size=16m,mode=1777' }. */
  tmpfs: Record<string, string>;
  resources: ResourceLimits;
  /** Capabilities added after dropping ALL. */
  capAdd: string[];
  readOnlyRootfs: boolean;
  ulimits: Ulimit[];
  restartPolicy: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  logMaxSizeBytes?: number;
  shmSizeBytes?: number;
  stopTimeoutSeconds?: number;
  /** Attach to this network (a VNet) with a static IPv4, instead of the default bridge. */
  network?: { name: string; ipv4?: string };
}

export interface ContainerState {
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';
  running: boolean;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  oomKilled: boolean;
  error?: string;
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  created: string;
  labels: Record<string, string>;
  state: ContainerState;
  /** Non-secret env names only; values are never returned by the runtime layer. */
  envNames: string[];
  ports: PortBinding[];
  networks: Record<string, { ipAddress: string }>;
  mounts: { source: string; target: string; readOnly: boolean }[];
  hostConfig: {
    memoryBytes: number;
    nanoCpus: number;
    cpuShares: number;
    memorySwapBytes: number;
    memorySwappiness: number | null;
    oomScoreAdj: number;
    pidsLimit: number;
    capAdd: string[];
    capDrop: string[];
    securityOpt: string[];
    readOnlyRootfs: boolean;
    privileged: boolean;
    networkMode: string;
    pidMode: string;
    restartPolicy: string;
    ulimits: Ulimit[];
  };
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: string;
}

export interface ExecOptions {
  /** Extra environment for this exec only (how passwords reach clients, never argv). */
  env?: Record<string, string>;
  user?: string;
  workingDir?: string;
  stdin?: Buffer | string | NodeJS.ReadableStream;
  /** Kill the exec'd process tree and reject after this many ms (default 30 000). */
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * A streaming exec: stdout goes to `stdout` as it comes (the process is held back while `stdout`
 * does not drain), stdin is read from `stdin` (ended when it ends). Nothing is buffered whole.
 */
export interface StreamExecOptions {
  /** Extra environment for this exec only (secrets go here, never into argv). */
  env?: Record<string, string>;
  user?: string;
  workingDir?: string;
  /** Receives the process's stdout; never ended by the runtime. */
  stdout?: Writable;
  /** Fed to the process's stdin, which is closed when it ends; an error in it kills the process. */
  stdin?: Readable;
  /** No byte moving either way for this long kills the process ('stalled'); there is no overall limit. */
  stallTimeoutMs: number;
  /** Aborting kills the process ('cancelled'). */
  signal?: AbortSignal;
}

export interface StreamExecResult {
  /** The process's exit code; -1 when it was killed or is not known. */
  exitCode: number;
  /** The tail of stderr (at most 64 KiB). */
  stderr: string;
  bytesOut: number;
  bytesIn: number;
  /** Why the module ended the exec before the process ended by itself, with `reason`. */
  interrupted?: 'stalled' | 'cancelled' | 'input' | 'output';
  reason?: string;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  timestamp: string | null;
  text: string;
}

export interface ContainerStats {
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** A container's cumulative counters at one moment (rates come from two readings). */
export interface ContainerCounters {
  id: string;
  name: string;
  /** When the runtime read them, ns since the epoch. */
  readAtNs: number;
  /** CPU time used since the container started, ns. */
  cpuNs: number;
  /** The runtime's own average CPU % since the container started: all one reading can tell. */
  avgCpuPercent: number;
  /** In use without the reclaimable page cache where the host's cgroup shows it. */
  memoryUsedBytes: number;
  memoryLimitBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** A container event from the runtime's stream (die, stop, start, oom ...). */
export interface RuntimeEvent {
  action: string;
  containerId: string;
  name: string;
  exitCode: number | null;
  time: Date;
}

/** An image pull so far, summed over the layers Podman has announced (more may follow). */
export interface ImagePullProgress {
  layersDone: number;
  layersTotal: number;
  bytesDone: number;
  /** Sum of the announced layers' sizes; a layer already present locally adds none. */
  bytesTotal: number;
  /** 0..100; 100 only once the pull has finished. */
  percent: number;
}

/** Credentials for one registry; sent to Podman in a request header, never in a URL or argv. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface PullImageOptions {
  onProgress?: (progress: ImagePullProgress) => void;
  credentials?: RegistryCredentials;
  /** Cancels the pull (Podman stops it too: the request is closed). */
  signal?: AbortSignal;
  /** The pull's own time limit (PULL_TIMEOUT after it), independent of the other calls' deadline. */
  timeoutMs?: number;
}

/** An image in local storage. */
export interface ImageDetails {
  id: string;
  /** Manifest digest under the reference's repository (what a pull by that name fetched). */
  digest: string | null;
  repoDigests: string[];
  sizeBytes: number;
  created: string | null;
  labels: Record<string, string>;
}

export interface NetworkSpec {
  name: string;
  subnet: string;
  gateway?: string;
  labels: Record<string, string>;
  internal?: boolean;
}

export interface NetworkInfo {
  name: string;
  id: string;
  subnet: string | null;
  gateway: string | null;
  labels: Record<string, string>;
}

export interface RuntimeInfo {
  socketPath: string;
  version: string;
  apiVersion: string;
  rootless: boolean;
  cgroupVersion: string;
  ociRuntime: string;
}

export interface ContainerRuntime {
  /** Which socket answered and what is behind it. */
  info(): Promise<RuntimeInfo>;
  createContainer(spec: ContainerSpec): Promise<{ id: string }>;
  startContainer(idOrName: string): Promise<void>;
  stopContainer(idOrName: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(idOrName: string, timeoutSeconds?: number): Promise<void>;
  /** Idempotent: a missing container is not an error. */
  removeContainer(idOrName: string, options?: { force?: boolean }): Promise<void>;
  /** null when the container does not exist. */
  inspectContainer(idOrName: string): Promise<ContainerInfo | null>;
  /** Containers carrying every label given (key=value, or key alone for presence). */
  listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]>;
  exec(idOrName: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  logs(idOrName: string, options?: { tail?: number; since?: Date }): Promise<LogEntry[]>;
  stats(idOrName: string): Promise<ContainerStats>;
  /** Every container's counters in one call (the metrics cycle); stopped ones read zero. */
  statsAll(): Promise<ContainerCounters[]>;
  imageExists(ref: string): Promise<boolean>;
  imageLabels(ref: string): Promise<Record<string, string> | null>;
  /**
   * Pulls `ref` from its registry (always, even when present), reporting progress; rejects with
   * IMAGE_NOT_FOUND, REGISTRY_UNREACHABLE, REGISTRY_AUTH_FAILED or PULL_TIMEOUT when that is why.
   */
  pullImage(ref: string, options?: PullImageOptions): Promise<ImageDetails>;
  /** null when the image is not in local storage. */
  inspectImage(ref: string): Promise<ImageDetails | null>;
  createNetwork(spec: NetworkSpec): Promise<NetworkInfo>;
  /** Idempotent. */
  removeNetwork(name: string): Promise<void>;
  listNetworks(labels: Record<string, string | true>): Promise<NetworkInfo[]>;
  inspectNetwork(name: string): Promise<NetworkInfo | null>;
  listVolumes(labels: Record<string, string | true>): Promise<{ name: string; labels: Record<string, string> }[]>;
  /**
   * Follows container events for containers carrying `labels`, until the stream ends or `signal`
   * aborts (then it resolves; the caller reconnects). Runtimes without a stream leave it out:
   * the health checks' interval is the fallback.
   */
  watchEvents?(labels: Record<string, string>, onEvent: (event: RuntimeEvent) => void, signal: AbortSignal): Promise<void>;
  removeVolume(name: string): Promise<void>;
  /**
   * Runs argv in the container with stdout and stdin streamed (dumps and restores of any size);
   * ends when the process does, when nothing moves for `stallTimeoutMs`, or on `signal`.
   */
  execStream(idOrName: string, argv: string[], io: StreamExecOptions): Promise<StreamExecResult>;
}
