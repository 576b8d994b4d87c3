import { randomBytes } from 'node:crypto';
import { LABELS, MODULE_ID } from '../../src/constants.js';
import { conflict, ModuleError } from '../../src/errors.js';
import type {
  ContainerInfo, ContainerSpec, ContainerState, ContainerStats, ContainerSummary, LogEntry,
} from '../../src/services/runtime/container-runtime.js';
import { hasLabels, type FakeNetworks } from './fake-networks.js';

/** One container as the fake keeps it. */
export interface FakeContainer {
  id: string;
  name: string;
  spec: ContainerSpec;
  created: string;
  state: ContainerState;
  logs: LogEntry[];
  stats: ContainerStats;
}

const missing = (op: string, idOrName: string) => new ModuleError('NOT_FOUND', `${op} ${idOrName} failed: no such container`);

const IDLE_STATS: ContainerStats = {
  cpuPercent: 1.5, memoryUsedBytes: 64 * 1048576, memoryLimitBytes: 1024 * 1048576, memoryPercent: 6.25,
  netRxBytes: 100, netTxBytes: 200, blockReadBytes: 300, blockWriteBytes: 400, pids: 7,
};

/**
 * Containers in memory, with Podman's rules: unique names, 409 for a running container removed
 * without force, and (like PodmanRuntime's label guard) no start/stop/restart/remove of a
 * container the module did not label.
 */
export class FakeContainers {
  readonly byId = new Map<string, FakeContainer>();
  /** Names whose containers exit right after they start (a crashing engine), with the exit code. */
  readonly exitOnStart = new Map<string, number>();

  constructor(private readonly networks: FakeNetworks) {}

  find(idOrName: string): FakeContainer | undefined {
    return this.byId.get(idOrName) ?? [...this.byId.values()].find((c) => c.name === idOrName || (idOrName.length >= 12 && c.id.startsWith(idOrName)));
  }

  get(op: string, idOrName: string): FakeContainer {
    const c = this.find(idOrName);
    if (!c) throw missing(op, idOrName);
    return c;
  }

  private guarded(op: string, idOrName: string): FakeContainer | undefined {
    const c = this.find(idOrName);
    if (c && c.spec.labels[LABELS.module] !== MODULE_ID) {
      throw conflict(`container ${idOrName} was not created by the databases module (no ${LABELS.module}=${MODULE_ID} label); leaving it alone`);
    }
    if (!c && op !== 'remove') throw missing(`${op} container`, idOrName);
    return c;
  }

  create(spec: ContainerSpec): FakeContainer {
    if (this.find(spec.name)) throw conflict(`create container ${spec.name} failed: the container name "${spec.name}" is already in use`);
    const id = randomBytes(32).toString('hex');
    // Podman's 'none' is no network at all: nothing to attach to.
    if (spec.network?.name !== 'none') this.networks.attach(spec.network?.name ?? 'podman', id, spec.network?.ipv4);
    const c: FakeContainer = {
      id, name: spec.name, spec: structuredClone(spec), created: new Date().toISOString(),
      state: { status: 'created', running: false, exitCode: 0, startedAt: null, finishedAt: null, oomKilled: false },
      logs: [], stats: { ...IDLE_STATS, memoryLimitBytes: spec.resources.memoryBytes },
    };
    this.byId.set(id, c);
    return c;
  }

  start(idOrName: string): void {
    const c = this.guarded('start', idOrName)!;
    if (c.state.running) return;
    c.state = { ...c.state, status: 'running', running: true, exitCode: 0, startedAt: new Date().toISOString(), oomKilled: false };
    this.log(c, `${c.name} started`);
    const exitCode = this.exitOnStart.get(c.name);
    if (exitCode !== undefined) this.die(c.id, { exitCode, message: 'FATAL: the engine could not start' });
  }

  stop(idOrName: string): void {
    const c = this.guarded('stop', idOrName)!;
    if (!c.state.running) return;
    c.state = { ...c.state, status: 'exited', running: false, exitCode: 0, finishedAt: new Date().toISOString() };
  }

  restart(idOrName: string): void {
    this.stop(idOrName);
    this.start(idOrName);
  }

  remove(idOrName: string, force: boolean): void {
    const c = this.guarded('remove', idOrName);
    if (!c) return;
    if (c.state.running && !force) throw conflict(`remove container ${idOrName} failed: container is running; stop it first or use force`);
    for (const net of Object.keys(this.networks.addressesOf(c.id))) this.networks.detach(net, c.id);
    this.byId.delete(c.id);
  }

  /** The container exits (a crash, the OOM killer, the host going down). */
  die(idOrName: string, options: { exitCode?: number; oomKilled?: boolean; message?: string } = {}): void {
    const c = this.get('die', idOrName);
    if (options.message) this.log(c, options.message, 'stderr');
    c.state = {
      ...c.state, status: 'exited', running: false, exitCode: options.exitCode ?? 1,
      finishedAt: new Date().toISOString(), oomKilled: options.oomKilled ?? false,
    };
  }

  log(c: FakeContainer, text: string, stream: LogEntry['stream'] = 'stdout'): void {
    c.logs.push({ stream, timestamp: new Date().toISOString(), text });
  }

  list(labels: Record<string, string | true>): ContainerSummary[] {
    return [...this.byId.values()].filter((c) => hasLabels(c.spec.labels, labels)).map((c) => ({
      id: c.id, name: c.name, image: c.spec.image, labels: { ...c.spec.labels }, state: c.state.status,
    }));
  }

  logsOf(idOrName: string, options: { tail?: number; since?: Date }): LogEntry[] {
    const c = this.get('read logs of', idOrName);
    const since = options.since?.getTime();
    const lines = c.logs.filter((l) => since === undefined || (l.timestamp !== null && Date.parse(l.timestamp) >= since));
    return structuredClone(options.tail === undefined ? lines : lines.slice(-options.tail));
  }

  info(c: FakeContainer): ContainerInfo {
    const { spec } = c;
    const r = spec.resources;
    return structuredClone({
      id: c.id, name: c.name, image: spec.image, created: c.created, labels: spec.labels, state: c.state,
      envNames: Object.keys(spec.env),
      ports: spec.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'tcp' })),
      networks: this.networks.addressesOf(c.id),
      mounts: spec.mounts.map((m) => ({ source: m.source, target: m.target, readOnly: m.readOnly ?? false })),
      hostConfig: {
        memoryBytes: r.memoryBytes, nanoCpus: r.nanoCpus, cpuShares: r.cpuShares ?? 0, memorySwapBytes: r.memorySwapBytes ?? 0,
        memorySwappiness: r.memorySwappiness ?? null, oomScoreAdj: r.oomScoreAdj ?? 0, pidsLimit: r.pidsLimit,
        capAdd: spec.capAdd, capDrop: ['ALL'], securityOpt: ['no-new-privileges'], readOnlyRootfs: spec.readOnlyRootfs,
        privileged: false, networkMode: spec.network?.name ?? 'bridge', pidMode: '', restartPolicy: spec.restartPolicy, ulimits: spec.ulimits,
      },
    });
  }
}
