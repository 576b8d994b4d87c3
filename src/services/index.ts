import path from 'node:path';
import type { ModuleContext } from '../module-contract.js';
import { backgroundTasksFor, type BackgroundTasks } from './background-tasks.js';
import { HostProbe } from './host-probe.js';
import { createInstanceServices, type InstanceServices } from './instance-services.js';
import { PodmanManager } from './podman-manager.js';
import { SystemReport } from './system-report.js';

/**
 * Every service the routes call, built once per module context. A plain object: a new
 * service is one more field here and one more line in createServices.
 */
export interface Services {
  hostProbe: HostProbe;
  podman: PodmanManager;
  system: SystemReport;
  background: BackgroundTasks;
  /** Instance lifecycle: runtime, manager, read views, reconciliation. */
  instances: InstanceServices;
}

/** The composition root; `overrides` replaces any service (tests pass fakes). */
export function createServices(ctx: ModuleContext, overrides: Partial<Services> = {}): Services {
  const hostProbe = overrides.hostProbe ?? new HostProbe();
  const podman = overrides.podman
    ?? new PodmanManager({ config: ctx.config, hostProbe, logDir: path.join(ctx.dataDir, 'logs') });
  return {
    hostProbe,
    podman,
    system: overrides.system ?? new SystemReport(hostProbe, podman, ctx.dataDir),
    background: overrides.background ?? backgroundTasksFor(ctx),
    instances: overrides.instances ?? createInstanceServices(ctx),
  };
}
