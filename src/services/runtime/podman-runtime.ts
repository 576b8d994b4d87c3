import Docker from 'dockerode';
import { ModuleError } from '../../errors.js';
import type {
  ContainerCounters, ContainerInfo, ContainerRuntime, ContainerSpec, ContainerStats, ContainerSummary, ExecOptions, ExecResult,
  ImageDetails, LogEntry, NetworkInfo, NetworkSpec, PullImageOptions, RuntimeEvent, RuntimeInfo, StreamExecOptions, StreamExecResult,
} from './container-runtime.js';
import { toCreateOptions } from './podman-create-options.js';
import { watchEvents } from './podman-events.js';
import { runExec } from './podman-exec.js';
import { runExecStream } from './podman-exec-stream.js';
import { labelFilter, toContainerInfo } from './podman-inspect.js';
import * as networks from './podman-networks.js';
import { parseLogFrames, splitFrames } from './podman-logs.js';
import { INSPECT_IMAGE_TIMEOUT_MS, inspectImage, pullWithProgress } from './podman-pull.js';
import { readAllCounters, readStats } from './podman-stats.js';
import { CgroupMemory } from './cgroup-memory.js';
import { isNotFound, runtimeError } from './runtime-errors.js';
import { requireModuleLabel } from './label-guard.js';
import { discoverSocket } from './socket-discovery.js';

/** Podman's own grace period before it kills, when a stop gives none. */
const graceMs = (timeoutSeconds: number | undefined) => (timeoutSeconds ?? 10) * 1000;

interface LibpodInfo {
  host?: { security?: { rootless?: boolean }; cgroupVersion?: string; ociRuntime?: { name?: string } };
  version?: { Version?: string; APIVersion?: string };
}

/** ContainerRuntime over Podman's Docker-compatible API (dockerode), plus a few libpod endpoints via modem.dial. */
export class PodmanRuntime implements ContainerRuntime {
  readonly docker: Docker;
  readonly socketPath: string;
  private readonly memory = new CgroupMemory();

  /**
   * @param target a unix socket path (`unix://` prefix allowed) or a ready Dockerode instance.
   * @param options.guardLabels refuse to start/stop/restart/remove anything that does not carry
   *   LABELS.module=620600 (default true): the module never changes what it did not create.
   * @param options.requestTimeoutMs abort an HTTP request Podman has not answered after this long
   *   (PODMAN_TIMEOUT); stop, restart and logs get their grace period on top, an exec's stream
   *   is bounded by its own timeout. Default 30 000.
   */
  constructor(target: string | Docker, private readonly options: { guardLabels?: boolean; requestTimeoutMs?: number } = {}) {
    if (typeof target === 'string') {
      this.socketPath = target.replace(/^unix:\/\//, '');
      this.docker = new Docker({ socketPath: this.socketPath });
    } else {
      this.docker = target;
      this.socketPath = String((target.modem as { socketPath?: unknown }).socketPath ?? '');
    }
  }

  /** Finds the socket the way the module is configured to; the error lists every place tried. */
  static fromConfig(config: Parameters<typeof discoverSocket>[0], discover: typeof discoverSocket = discoverSocket): PodmanRuntime {
    const found = discover(config);
    if (!found.found) {
      const tried = found.tried.map((c) => `${c.source}: ${c.path ?? c.note ?? '?'}`).join('; ') || 'nothing configured';
      throw new ModuleError('PODMAN_UNAVAILABLE', `No Podman API socket found (tried ${tried}). Start one with: podman system service --time=0 unix://${found.path}`);
    }
    return new PodmanRuntime(found.path);
  }

  /** An abort signal for one request: the base timeout plus `extraMs`. */
  private signal(extraMs = 0): AbortSignal {
    return AbortSignal.timeout((this.options.requestTimeoutMs ?? 30_000) + extraMs);
  }

  private guard(kind: string, name: string, labels: () => Promise<Record<string, string> | null | undefined>): Promise<void> {
    return this.options.guardLabels === false ? Promise.resolve() : requireModuleLabel(kind, name, labels);
  }

  private guardContainer(idOrName: string): Promise<void> {
    return this.guard('container', idOrName, async () => (await this.docker.getContainer(idOrName).inspect({ abortSignal: this.signal() })).Config?.Labels ?? {});
  }

  async info(): Promise<RuntimeInfo> {
    try {
      const i = await networks.dial<LibpodInfo>(this.docker, 'GET', '/info', undefined, undefined, this.signal());
      return {
        socketPath: this.socketPath,
        version: i.version?.Version ?? 'unknown',
        apiVersion: i.version?.APIVersion ?? 'unknown',
        rootless: Boolean(i.host?.security?.rootless),
        cgroupVersion: i.host?.cgroupVersion ?? 'unknown',
        ociRuntime: i.host?.ociRuntime?.name ?? 'unknown',
      };
    } catch (e) {
      throw runtimeError('podman info on', this.socketPath, e);
    }
  }

  async createContainer(spec: ContainerSpec): Promise<{ id: string }> {
    try {
      const c = await this.docker.createContainer({ ...toCreateOptions(spec), abortSignal: this.signal() });
      return { id: c.id };
    } catch (e) {
      throw runtimeError('create container', spec.name, e);
    }
  }

  async startContainer(idOrName: string): Promise<void> {
    await this.guardContainer(idOrName);
    try {
      await this.docker.getContainer(idOrName).start({ abortSignal: this.signal() });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 304) return; // already running
      throw runtimeError('start container', idOrName, e);
    }
  }

  async stopContainer(idOrName: string, timeoutSeconds?: number): Promise<void> {
    await this.guardContainer(idOrName);
    try {
      await this.docker.getContainer(idOrName).stop({ ...(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }), abortSignal: this.signal(graceMs(timeoutSeconds)) });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 304) return; // already stopped
      throw runtimeError('stop container', idOrName, e);
    }
  }

  async restartContainer(idOrName: string, timeoutSeconds?: number): Promise<void> {
    await this.guardContainer(idOrName);
    try {
      await this.docker.getContainer(idOrName).restart({ ...(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }), abortSignal: this.signal(graceMs(timeoutSeconds)) });
    } catch (e) {
      throw runtimeError('restart container', idOrName, e);
    }
  }

  async removeContainer(idOrName: string, options: { force?: boolean } = {}): Promise<void> {
    await this.guardContainer(idOrName);
    try {
      await this.docker.getContainer(idOrName).remove({ force: options.force ?? false, v: false, abortSignal: this.signal() });
    } catch (e) {
      if (isNotFound(e)) return;
      throw runtimeError('remove container', idOrName, e);
    }
  }

  async inspectContainer(idOrName: string): Promise<ContainerInfo | null> {
    try {
      return toContainerInfo(await this.docker.getContainer(idOrName).inspect({ abortSignal: this.signal() }));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw runtimeError('inspect container', idOrName, e);
    }
  }

  async listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]> {
    try {
      const rows = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) }, abortSignal: this.signal() });
      return rows.map((r) => ({
        id: r.Id,
        name: (r.Names?.[0] ?? '').replace(/^\//, ''),
        image: r.Image,
        labels: r.Labels ?? {},
        state: r.State,
      }));
    } catch (e) {
      throw runtimeError('list containers labelled', JSON.stringify(labels), e);
    }
  }

  async exec(idOrName: string, argv: string[], options?: ExecOptions): Promise<ExecResult> {
    try {
      return await runExec(this.docker, this.docker.getContainer(idOrName), argv, options, () => this.signal());
    } catch (e) {
      throw runtimeError(`exec ${argv[0] ?? ''} in`, idOrName, e);
    }
  }

  async logs(idOrName: string, options: { tail?: number; since?: Date } = {}): Promise<LogEntry[]> {
    try {
      const body = (await this.docker.getContainer(idOrName).logs({
        stdout: true,
        stderr: true,
        timestamps: true,
        follow: false,
        abortSignal: this.signal(this.options.requestTimeoutMs ?? 30_000),
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
        ...(options.since ? { since: Math.floor(options.since.getTime() / 1000) } : {}),
      })) as unknown as Buffer;
      return parseLogFrames(splitFrames(Buffer.isBuffer(body) ? body : Buffer.from(String(body))));
    } catch (e) {
      throw runtimeError('read logs of', idOrName, e);
    }
  }

  async stats(idOrName: string): Promise<ContainerStats> {
    try {
      return await readStats(this.docker, this.memory, idOrName, () => this.signal());
    } catch (e) {
      throw runtimeError('read stats of', idOrName, e);
    }
  }

  async statsAll(): Promise<ContainerCounters[]> {
    try {
      return await readAllCounters(this.docker, this.memory, this.signal());
    } catch (e) {
      throw runtimeError('read stats of', 'all containers', e);
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    return (await this.imageLabels(ref)) !== null;
  }

  async imageLabels(ref: string): Promise<Record<string, string> | null> {
    try {
      // Image#inspect passes no abort signal: libpod's image endpoint is dialled to bound it.
      const img = await networks.dial<{ Labels?: Record<string, string> | null }>(this.docker, 'GET', `/images/${encodeURIComponent(ref)}/json`, undefined, undefined, this.signal());
      return img.Labels ?? {};
    } catch (e) {
      if (isNotFound(e)) return null;
      throw runtimeError('inspect image', ref, e);
    }
  }

  /** Compat pull stream (it reports bytes per layer); its time limit is the caller's `timeoutMs`, not the request deadline. */
  async pullImage(ref: string, options: PullImageOptions = {}): Promise<ImageDetails> {
    await pullWithProgress(this.docker, ref, options);
    const pulled = await this.inspectImage(ref);
    if (!pulled) throw new ModuleError('INTERNAL', `pull image ${ref} finished but the image is not in local storage`);
    return pulled;
  }

  async inspectImage(ref: string): Promise<ImageDetails | null> {
    try {
      return await inspectImage(this.docker, ref, AbortSignal.timeout(INSPECT_IMAGE_TIMEOUT_MS));
    } catch (e) {
      throw runtimeError('inspect image', ref, e);
    }
  }

  async createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    try {
      return await networks.createNetwork(this.docker, spec, this.signal());
    } catch (e) {
      throw runtimeError('create network', spec.name, e);
    }
  }

  async removeNetwork(name: string): Promise<void> {
    await this.guard('network', name, async () => (await networks.inspectNetwork(this.docker, name, this.signal())).labels);
    try {
      await networks.removeNetwork(this.docker, name, this.signal());
    } catch (e) {
      if (isNotFound(e)) return;
      throw runtimeError('remove network', name, e);
    }
  }

  async listNetworks(labels: Record<string, string | true>): Promise<NetworkInfo[]> {
    try {
      return await networks.listNetworks(this.docker, labelFilter(labels), this.signal());
    } catch (e) {
      throw runtimeError('list networks labelled', JSON.stringify(labels), e);
    }
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | null> {
    try {
      return await networks.inspectNetwork(this.docker, name, this.signal());
    } catch (e) {
      if (isNotFound(e)) return null;
      throw runtimeError('inspect network', name, e);
    }
  }

  async listVolumes(labels: Record<string, string | true>): Promise<{ name: string; labels: Record<string, string> }[]> {
    try {
      const res = await this.docker.listVolumes({ filters: { label: labelFilter(labels) }, abortSignal: this.signal() });
      return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
    } catch (e) {
      throw runtimeError('list volumes labelled', JSON.stringify(labels), e);
    }
  }

  async watchEvents(labels: Record<string, string>, onEvent: (event: RuntimeEvent) => void, signal: AbortSignal): Promise<void> {
    try {
      await watchEvents(this.docker, labels, onEvent, signal);
    } catch (e) {
      throw runtimeError('watch events labelled', JSON.stringify(labels), e);
    }
  }

  async removeVolume(name: string): Promise<void> {
    await this.guard('volume', name, async () => (await this.docker.getVolume(name).inspect({ abortSignal: this.signal() })).Labels ?? {});
    try {
      await this.docker.getVolume(name).remove({ abortSignal: this.signal() });
    } catch (e) {
      if (isNotFound(e)) return;
      throw runtimeError('remove volume', name, e);
    }
  }

  execStream(idOrName: string, argv: string[], io: StreamExecOptions): Promise<StreamExecResult> {
    return runExecStream(this.docker, idOrName, argv, io, () => this.signal());
  }
}
