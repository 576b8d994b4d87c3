import type { LimitsEnforced } from '../db/schema.js';
import { LABELS, MODULE_ID } from '../constants.js';
import type { ContainerPlan } from './adapters/types.js';
import { assertHardened, normalizeCaps, ulimitsFor } from './orchestration/hardening.js';
import { readHostFacts, type HostFacts } from './host/host-facts.js';
import { limitsEnforced } from './orchestration/limits-enforced.js';
import type { BindMount, ContainerRuntime, ContainerSpec, PortBinding, RuntimeInfo } from './runtime/container-runtime.js';
import { checkHostCapacity, skuResources, type Sizing } from './orchestration/sku-resources.js';

/** Everything the orchestrator combines into one container spec. */
export interface OrchestratorInput {
  instanceId: number;
  containerName: string;
  /** The adapter (only its engine id is read, for the engine label). */
  engine: { engine: string };
  image: string;
  plan: ContainerPlan;
  sizing: Sizing;
  /** Host bindings with an explicit address: 127.0.0.1 unless the instance has external access. */
  ports: PortBinding[];
  mounts: BindMount[];
  /** A VNet (Podman network) with the instance's static IP. */
  network?: { name: string; ipv4?: string };
}

export interface OrchestratorOptions {
  runtime: Pick<ContainerRuntime, 'info'>;
  /** Default: read from /proc and os (host-facts.ts). */
  hostFacts?: () => Promise<HostFacts>;
  /** Cap on the container's log file (k8s-file driver rotates it). Default 10 MiB. */
  logMaxSizeBytes?: number;
  restartPolicy?: ContainerSpec['restartPolicy'];
  /** Labels added to every spec (tests mark their runs); the module's own labels always win. */
  extraLabels?: Record<string, string>;
}

const MB = 1024 * 1024;

/** The labels every object the module creates for an instance carries. */
export function instanceLabels(instanceId: number, engine: string, purpose = 'instance'): Record<string, string> {
  return { [LABELS.module]: MODULE_ID, [LABELS.instance]: String(instanceId), [LABELS.engine]: engine, [LABELS.purpose]: purpose };
}

/** A host port binding: loopback unless external access was asked for. */
export function bindPort(containerPort: number, hostPort: number, externalAccess: boolean): PortBinding {
  return { containerPort, hostPort, hostIp: externalAccess ? '0.0.0.0' : '127.0.0.1', protocol: 'tcp' };
}

/**
 * Turns an adapter's plan plus SKU, ports, mounts and network into a hardened ContainerSpec:
 * cap-drop ALL + the plan's caps, no-new-privileges, pids limit, nofile clamped to the host,
 * restart unless-stopped, capped logs, read-only root with the plan's tmpfs.
 */
export class ContainerOrchestrator {
  private facts?: Promise<HostFacts>;
  private runtimeInfo?: Promise<RuntimeInfo>;

  constructor(private readonly options: OrchestratorOptions) {}

  private host(): Promise<HostFacts> {
    return (this.facts ??= (this.options.hostFacts ?? readHostFacts)());
  }

  private info(): Promise<RuntimeInfo> {
    // Failures are not cached: the socket may come up later.
    const p = (this.runtimeInfo ??= this.options.runtime.info());
    p.catch(() => (this.runtimeInfo = undefined));
    return p;
  }

  /** Refuses (400) a SKU larger than the host. */
  async checkCapacity(sizing: Sizing): Promise<void> {
    checkHostCapacity(sizing, await this.host());
  }

  async build(input: OrchestratorInput): Promise<{ spec: ContainerSpec; limits: LimitsEnforced }> {
    const [host, info] = await Promise.all([this.host(), this.info()]);
    checkHostCapacity(input.sizing, host);
    const { plan } = input;
    const resources = skuResources(input.sizing, plan.pidsLimit);
    // Without CAP_SYS_RESOURCE (rootless, or this host's root) a negative value makes runc fail
    // the whole create; the instance is created without it and limits_enforced says so.
    const dropOom = resources.oomScoreAdj !== undefined && resources.oomScoreAdj < 0 && (info.rootless || !host.hasSysResource);
    if (dropOom) delete resources.oomScoreAdj;

    const spec: ContainerSpec = {
      name: input.containerName,
      image: input.image,
      labels: { ...this.options.extraLabels, ...instanceLabels(input.instanceId, input.engine.engine) },
      env: { ...plan.env },
      ...(plan.entrypoint ? { entrypoint: [...plan.entrypoint] } : {}),
      ...(plan.cmd ? { cmd: [...plan.cmd] } : {}),
      ...(plan.user ? { user: plan.user } : {}),
      ports: input.ports.map((p) => ({ ...p })),
      mounts: input.mounts.map((m) => ({ ...m })),
      tmpfs: { ...plan.tmpfs },
      resources,
      capAdd: normalizeCaps(plan.capAdd),
      readOnlyRootfs: plan.readOnlyRootfs,
      ulimits: ulimitsFor(plan.nofile, host),
      restartPolicy: this.options.restartPolicy ?? 'unless-stopped',
      logMaxSizeBytes: this.options.logMaxSizeBytes ?? 10 * MB,
      stopTimeoutSeconds: plan.stopTimeoutSeconds,
      ...(plan.shmSizeMb ? { shmSizeBytes: plan.shmSizeMb * MB } : {}),
      ...(input.network ? { network: { ...input.network } } : {}),
    };
    assertHardened(spec);
    return { spec, limits: limitsEnforced(resources, info, host, dropOom) };
  }
}
