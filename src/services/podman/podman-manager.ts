import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config.js';
import { runCommand, type CommandRunner } from '../host/command-runner.js';
import type { CgroupVersion, HostProbe, Limit } from '../host/host-probe.js';
import { configFiles, DROP_IN_NAME, dropInDir, readContainersConf, type ContainersConfSettings } from './containers-conf.js';
import { installSteps, manualCommands, privilege } from './install-steps.js';
import { InstallJob, type InstallStatus } from './install-job.js';
import { detectPitfalls, type Issue, type PitfallFacts } from './pitfalls.js';
import { ensurePodmanService, type ServiceStart } from './service-starter.js';
import { discoverSocket, pingSocket, type SocketDiscovery } from '../runtime/socket-discovery.js';

export interface PodmanFacts extends PitfallFacts {
  version: string | null;
  socket: SocketDiscovery & { reachable: boolean };
  conf: ContainersConfSettings;
  limits: { nofile: Limit; nproc: Limit };
  issues: Issue[];
  dropIn: ReturnType<typeof detectPitfalls>['dropIn'];
}

export interface PodmanStatus {
  installed: boolean;
  version: string | null;
  socket: string;
  reachable: boolean;
  rootless: boolean;
  ociRuntime: string | null;
  cgroupVersion: CgroupVersion;
  issues: Issue[];
  install: InstallStatus | null;
}

export type InstallRequest =
  | { accepted: true; job: InstallStatus }
  | { accepted: false; reason: string; commands: string[] };

export interface PodmanManagerOptions {
  config: Config;
  hostProbe: HostProbe;
  /** Where service logs go (`<dataDir>/logs`). */
  logDir: string;
  run?: CommandRunner;
  /** containers.conf.d to write the drop-in to; default by rootless/rootful. Tests inject a temp dir. */
  dropInDir?: string;
  home?: string;
}

const RUNC_PATHS = ['/usr/bin/runc', '/usr/sbin/runc', '/usr/local/bin/runc', '/usr/local/sbin/runc'];
// /requirements and /podman/status are polled; `podman info` costs a few hundred ms.
const FACTS_TTL_MS = 3000;

/** Podman on this host: what is there, what is wrong with it, and installing/fixing it. */
export class PodmanManager {
  private readonly run: CommandRunner;
  readonly dropInDir: string;
  private cached: { at: number; facts: Promise<PodmanFacts> } | null = null;
  private job: InstallJob | null = null;

  constructor(private readonly options: PodmanManagerOptions) {
    this.run = options.run ?? runCommand;
    this.dropInDir = options.dropInDir ?? dropInDir(options.hostProbe.rootless, options.home ?? os.homedir());
  }

  facts(fresh = false): Promise<PodmanFacts> {
    if (fresh || !this.cached || Date.now() - this.cached.at > FACTS_TTL_MS) {
      const facts = this.gather();
      this.cached = { at: Date.now(), facts };
      facts.catch(() => { this.cached = null; });
    }
    return this.cached.facts;
  }

  private async gather(): Promise<PodmanFacts> {
    const probe = this.options.hostProbe;
    const [versionOut, infoOut, limits, pidMax, files] = await Promise.all([
      this.run('podman', ['--version'], { timeoutMs: 5000 }),
      this.run('podman', ['info', '--format', 'json'], { timeoutMs: 20_000 }),
      probe.limits(),
      probe.pidMax(),
      configFiles(probe.rootless, this.options.home ?? os.homedir(), this.dropInDir),
    ]);
    const ours = path.join(this.dropInDir, DROP_IN_NAME);
    // Issues count our drop-in; what the drop-in must hold is judged without it, so rewriting it is stable.
    const [conf, others] = await Promise.all([readContainersConf(files), readContainersConf(files.filter((f) => f !== ours))]);
    const installed = versionOut.code === 0;
    let ociRuntime: string | null = null;
    try {
      ociRuntime = (JSON.parse(infoOut.stdout) as { host?: { ociRuntime?: { name?: string } } }).host?.ociRuntime?.name ?? null;
    } catch { /* podman missing or broken: ociRuntime stays unknown */ }
    const discovered = discoverSocket(this.options.config, probe.uid);
    const base: PitfallFacts = {
      installed, rootless: probe.rootless, cgroupVersion: probe.cgroupVersion(), ociRuntime,
      runcAvailable: RUNC_PATHS.some((p) => existsSync(p)), nofileHard: limits.nofile.hard,
      nprocCeiling: Math.min(limits.nproc.hard, pidMax),
      configuredNofile: conf.nofile, configuredNproc: conf.nproc, configuredRuntime: conf.runtime,
    };
    const { issues } = detectPitfalls(base);
    const { dropIn } = detectPitfalls({ ...base, configuredNofile: others.nofile, configuredNproc: others.nproc, configuredRuntime: others.runtime });
    const reachable = discovered.found && (await pingSocket(discovered.path));
    if (!installed) issues.unshift({ id: 'podman_missing', severity: 'fail', message: 'podman is not installed', fix: 'POST /podman/install, or install the podman package' });
    else if (!reachable) {
      issues.push({ id: 'api_socket', severity: 'fail', message: `the Podman API does not answer on ${discovered.path}`, fix: `podman system service --time=0 unix://${discovered.path}` });
    }
    return {
      ...base, version: /(\d+\.\d+(\.\d+)?)/.exec(versionOut.stdout)?.[1] ?? null,
      socket: { ...discovered, reachable }, conf, limits, issues, dropIn,
    };
  }

  async status(): Promise<PodmanStatus> {
    const f = await this.facts();
    return {
      installed: f.installed, version: f.version, socket: f.socket.path, reachable: f.socket.reachable,
      rootless: f.rootless, ociRuntime: f.ociRuntime, cgroupVersion: f.cgroupVersion, issues: f.issues,
      install: this.job?.view() ?? null,
    };
  }

  /** Starts (or joins) the background install; refuses with the commands to run when we lack root. */
  async install(): Promise<InstallRequest> {
    if (this.job && this.job.view().state === 'running') return { accepted: true, job: this.job.view() };
    const how = await privilege(this.options.hostProbe.uid, this.run);
    if (how === 'none') {
      const facts = await this.facts(true);
      return { accepted: false, reason: 'installing Podman needs root or passwordless sudo; run these commands as root', commands: manualCommands(facts, this.dropInDir) };
    }
    this.job = new InstallJob(installSteps({ manager: this, sudo: how === 'sudo', run: this.run }));
    void this.job.done.finally(() => { this.cached = null; });
    return { accepted: true, job: this.job.view() };
  }

  /** Waits for the current install to finish (hooks and tests). */
  async installDone(): Promise<InstallStatus | null> {
    await this.job?.done;
    return this.job?.view() ?? null;
  }

  async ensureService(): Promise<ServiceStart> {
    const facts = await this.facts(true);
    if (!facts.installed) return { started: false, reachable: false, message: 'podman is not installed' };
    const result = await ensurePodmanService({ socketPath: facts.socket.path, logFile: path.join(this.options.logDir, 'podman-service.log') });
    this.cached = null;
    return result;
  }
}
