import { createHash } from 'node:crypto';
import { LABELS } from '../constants.js';
import type { ModuleContext } from '../module-contract.js';
import { ContainerOrchestrator } from './container-orchestrator.js';
import { CredentialManager, loadModuleKey } from './credential-manager.js';
import { DuckDbEngines } from './embedded/embedded-engines.js';
import { InstanceManager } from './instance-manager.js';
import { usedPorts, usedVnetIps } from './instance-repository.js';
import { InstanceViews } from './instance-views.js';
import { PortAllocator } from './port-allocator.js';
import { Reconciler } from './reconciler.js';
import { PodmanRuntime } from './runtime/podman-runtime.js';
import { discoverSocket } from './runtime/socket-discovery.js';
import type { ContainerRuntime } from './runtime/container-runtime.js';
import { VnetService } from './vnet-service.js';
import { VolumeService } from './volume-service.js';

export interface InstanceServices {
  runtime: ContainerRuntime;
  credentials: CredentialManager;
  instances: InstanceManager;
  views: InstanceViews;
  reconciler: Reconciler;
}

/** Wires the instance side: runtime, volumes, ports, VNets, orchestrator, credentials, manager. */
export function createInstanceServices(ctx: ModuleContext, runtime?: ContainerRuntime): InstanceServices {
  const { db, config, dataDir } = ctx;
  const rt = runtime ?? new PodmanRuntime(discoverSocket(config).path);
  const rootless = (process.getuid?.() ?? 0) !== 0;
  const installation = { [LABELS.installation]: installationId(dataDir) };
  const volumes = new VolumeService({ dataDir, ownership: rootless ? 'rootless' : 'rootful' });
  const credentials = new CredentialManager(db, () => loadModuleKey(dataDir, config.masterKey));
  const embedded = new DuckDbEngines((containerName) => volumes.paths(containerName).data);
  const instances = new InstanceManager({
    db, runtime: rt, credentials, volumes, embedded, config, ownLabels: installation,
    logger: ctx.logger.child({ service: 'instances' }),
    specs: new ContainerOrchestrator({ runtime: rt, extraLabels: installation }),
    ports: new PortAllocator({ range: config.portRange, usedPorts: () => usedPorts(db) }),
    vnets: new VnetService({ runtime: rt, usedIps: (name) => usedVnetIps(db, name) }),
  });
  return {
    runtime: rt,
    credentials,
    instances,
    views: new InstanceViews(rt, credentials, embedded),
    reconciler: new Reconciler(db, rt, instances, volumes, installation, ctx.logger.child({ service: 'reconciler' })),
  };
}


/** Stable id of this installation, from its data directory. */
export function installationId(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
}
