import { conflict } from '../../src/errors.js';
import type {
  ContainerCounters, ContainerInfo, ContainerRuntime, ContainerSpec, ContainerStats, ContainerSummary, ExecOptions, ExecResult,
  LogEntry, NetworkInfo, NetworkSpec, RuntimeInfo,
} from '../../src/services/runtime/container-runtime.js';
import type { ImageDetails, PullImageOptions } from '../../src/services/runtime/container-runtime.js';
import { FakeContainers } from './fake-containers.js';
import { FakeExec } from './fake-exec.js';
import { FakeExecStreams } from './fake-exec-stream.js';
import type { StreamExecOptions, StreamExecResult } from '../../src/services/runtime/container-runtime.js';
import { FakeImages } from './fake-images.js';
import { FakeNetworks } from './fake-networks.js';
import { RuntimeControls } from './runtime-controls.js';

/**
 * An in-memory ContainerRuntime for fast tests: containers with labels, state and ids,
 * networks, volumes, images, logs, stats and scripted exec results. Every call goes through
 * `controls` (fail the next call, hang a call, count calls); `containers`, `networks` and
 * `execs` are the state a test arranges and asserts on.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly controls = new RuntimeControls();
  readonly networks = new FakeNetworks();
  readonly containers = new FakeContainers(this.networks);
  readonly execs = new FakeExec();
  /** Scripted streaming execs (dumps and restores); unscripted ones fall back to `execs`. */
  readonly streams = new FakeExecStreams(this.execs);
  /** Image refs that exist, with their labels; every image exists unless `missingImages` names it. */
  readonly images = new Map<string, Record<string, string>>();
  readonly missingImages = new Set<string>();
  /** Local images as pulls see them, and the registry a pull copies from (`imageStore.remote`). */
  readonly imageStore = new FakeImages(this.missingImages, this.images);
  runtimeInfo: RuntimeInfo = { socketPath: '/fake/podman.sock', version: '4.3.1', apiVersion: '4.3.1', rootless: false, cgroupVersion: 'v2', ociRuntime: 'crun' };

  private run<T>(method: keyof ContainerRuntime, args: unknown[], body: () => T | Promise<T>): Promise<T> {
    return this.controls.run(method, args, body);
  }

  /** The container of that name or id, for a test's assertions (undefined when gone). */
  container(idOrName: string) {
    return this.containers.find(idOrName);
  }

  /** Makes a container exit, as a crash or the host going down would. */
  die(idOrName: string, options?: Parameters<FakeContainers['die']>[1]): void {
    this.containers.die(idOrName, options);
  }

  /** A container the module did not create (no labels unless given), e.g. a stranger's `db-<name>`. */
  addForeign(name: string, labels: Record<string, string> = {}, running = true): string {
    const c = this.containers.create({
      name, image: 'docker.io/library/busybox:latest', labels, env: {}, ports: [], mounts: [], tmpfs: {},
      resources: { memoryBytes: 64 * 1048576, nanoCpus: 1e9, pidsLimit: 64 }, capAdd: [], readOnlyRootfs: false,
      ulimits: [], restartPolicy: 'no',
    });
    if (running) c.state = { ...c.state, status: 'running', running: true, startedAt: new Date().toISOString() };
    this.containers.log(c, `${name}: a stranger's log line`);
    return c.id;
  }

  info(): Promise<RuntimeInfo> {
    return this.run('info', [], () => ({ ...this.runtimeInfo }));
  }

  createContainer(spec: ContainerSpec): Promise<{ id: string }> {
    return this.run('createContainer', [spec], () => {
      if (this.missingImages.has(spec.image)) throw conflict(`create container ${spec.name} failed: ${spec.image}: image not known`);
      return { id: this.containers.create(spec).id };
    });
  }

  startContainer(idOrName: string): Promise<void> {
    return this.run('startContainer', [idOrName], () => this.containers.start(idOrName));
  }

  stopContainer(idOrName: string, timeoutSeconds?: number): Promise<void> {
    return this.run('stopContainer', [idOrName, timeoutSeconds], () => this.containers.stop(idOrName));
  }

  restartContainer(idOrName: string, timeoutSeconds?: number): Promise<void> {
    return this.run('restartContainer', [idOrName, timeoutSeconds], () => this.containers.restart(idOrName));
  }

  removeContainer(idOrName: string, options: { force?: boolean } = {}): Promise<void> {
    return this.run('removeContainer', [idOrName, options], () => this.containers.remove(idOrName, options.force ?? false));
  }

  inspectContainer(idOrName: string): Promise<ContainerInfo | null> {
    return this.run('inspectContainer', [idOrName], () => {
      const c = this.containers.find(idOrName);
      return c ? this.containers.info(c) : null;
    });
  }

  listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]> {
    return this.run('listContainers', [labels], () => this.containers.list(labels));
  }

  exec(idOrName: string, argv: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.run('exec', [idOrName, argv, options], () => {
      const c = this.containers.get(`exec ${argv[0] ?? ''} in`, idOrName);
      if (!c.state.running) throw conflict(`exec ${argv[0] ?? ''} in ${idOrName} failed: container state improper`);
      return this.execs.run(c, argv, options);
    });
  }

  logs(idOrName: string, options: { tail?: number; since?: Date } = {}): Promise<LogEntry[]> {
    return this.run('logs', [idOrName, options], () => this.containers.logsOf(idOrName, options));
  }

  stats(idOrName: string): Promise<ContainerStats> {
    return this.run('stats', [idOrName], () => {
      const c = this.containers.get('read stats of', idOrName);
      if (!c.state.running) throw conflict(`read stats of ${idOrName} failed: container is not running`);
      return { ...c.stats };
    });
  }

  /** Counters that advance at each running container's `stats.cpuPercent`, from zero at each start. */
  statsAll(): Promise<ContainerCounters[]> {
    return this.run('statsAll', [], () => [...this.containers.byId.values()].map((c) => {
      const nowNs = (performance.timeOrigin + performance.now()) * 1e6;
      const last = this.cpuClocks.get(c.id);
      const cpuNs = !c.state.running ? 0 : last && last.startedAt === c.state.startedAt
        ? last.cpuNs + ((nowNs - last.atNs) * c.stats.cpuPercent) / 100 : 0;
      this.cpuClocks.set(c.id, { startedAt: c.state.startedAt, atNs: nowNs, cpuNs });
      const s = c.state.running ? c.stats : { ...c.stats, memoryUsedBytes: 0, pids: 0, cpuPercent: 0 };
      return {
        id: c.id, name: c.name, readAtNs: nowNs, cpuNs, avgCpuPercent: s.cpuPercent, memoryUsedBytes: s.memoryUsedBytes,
        memoryLimitBytes: s.memoryLimitBytes, netRxBytes: s.netRxBytes, netTxBytes: s.netTxBytes,
        blockReadBytes: s.blockReadBytes, blockWriteBytes: s.blockWriteBytes, pids: s.pids,
      };
    }));
  }

  private readonly cpuClocks = new Map<string, { startedAt: string | null; atNs: number; cpuNs: number }>();

  imageExists(ref: string): Promise<boolean> {
    return this.run('imageExists', [ref], () => !this.missingImages.has(ref));
  }

  imageLabels(ref: string): Promise<Record<string, string> | null> {
    return this.run('imageLabels', [ref], () => (this.missingImages.has(ref) ? null : { ...this.images.get(ref) }));
  }

  pullImage(ref: string, options?: PullImageOptions): Promise<ImageDetails> {
    return this.run('pullImage', [ref, options], () => this.imageStore.pull(ref, options));
  }

  inspectImage(ref: string): Promise<ImageDetails | null> {
    return this.run('inspectImage', [ref], () => this.imageStore.inspect(ref));
  }

  createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    return this.run('createNetwork', [spec], () => this.networks.create(spec));
  }

  removeNetwork(name: string): Promise<void> {
    return this.run('removeNetwork', [name], () => this.networks.remove(name));
  }

  listNetworks(labels: Record<string, string | true>): Promise<NetworkInfo[]> {
    return this.run('listNetworks', [labels], () => this.networks.list(labels));
  }

  inspectNetwork(name: string): Promise<NetworkInfo | null> {
    return this.run('inspectNetwork', [name], () => this.networks.inspect(name));
  }

  listVolumes(labels: Record<string, string | true>): Promise<{ name: string; labels: Record<string, string> }[]> {
    return this.run('listVolumes', [labels], () => this.networks.listVolumes(labels));
  }

  removeVolume(name: string): Promise<void> {
    return this.run('removeVolume', [name], () => this.networks.removeVolume(name));
  }

  execStream(idOrName: string, argv: string[], io: StreamExecOptions): Promise<StreamExecResult> {
    return this.run('execStream', [idOrName, argv, io], () => {
      const c = this.containers.get(`exec ${argv[0] ?? ''} in`, idOrName);
      if (!c.state.running) throw conflict(`exec ${argv[0] ?? ''} in ${idOrName} failed: container state improper`);
      return this.streams.run(c, argv, io);
    });
  }
}
