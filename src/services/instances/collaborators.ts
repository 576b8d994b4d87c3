import type { LimitsEnforced } from '../../db/schema.js';
import type { ContainerPlan, EngineAdapter, PlannedFile } from '../adapters/types.js';
import type { BindMount, ContainerSpec, PortBinding } from '../runtime/container-runtime.js';
import type { Sizing } from '../orchestration/sku-resources.js';

/**
 * What the instance manager needs from the runtime-side services. The production
 * implementations live in port-allocator.ts, volume-service.ts, vnet-service.ts and
 * container-orchestrator.ts; instance-services.ts adapts them to these shapes.
 */

export interface PortSource {
  /** A host port free right now and not held by another instance; the caller retries on a unique violation. */
  allocate(): Promise<number>;
  release(port: number): void;
}

export interface InstanceVolumes {
  /** Creates <data>/containers/<name>/{data,config,logs,tls,secrets}; returns the instance root. */
  prepare(containerName: string, owner?: string): Promise<{ root: string; data: string; logs: string; tls: string }>;
  /** Creates the plan's extra persistent dirs and returns their bind mounts. */
  prepareExtra(containerName: string, volumes: Readonly<Record<string, string>>, owner?: string): Promise<BindMount[]>;
  /** Writes the plan's files and returns the bind mounts for them. */
  writeFiles(containerName: string, files: PlannedFile[], owner?: string): Promise<BindMount[]>;
  /** Writes TLS material readable by the container user; returns host paths. */
  writeTls(containerName: string, cert: string, key: string, owner?: string): Promise<{ certPath: string; keyPath: string }>;
  remove(containerName: string): Promise<void>;
  /** Whether the instance directory exists (kept data of a deleted instance, or a live one's). */
  exists(containerName: string): Promise<boolean>;
}

export interface VnetSource {
  ensure(vnetName: string): Promise<{ name: string; subnet: string }>;
  allocateIp(vnetName: string): Promise<string>;
  /** Drops the in-process reservation once the IP is stored (UNIQUE(vnet_name, vnet_ip) holds it then). */
  releaseIp(vnetName: string, ip: string): void;
  /** Removes the network once no instance uses it (only networks the module labelled). */
  releaseIfUnused(vnetName: string): Promise<void>;
}

export interface SpecInput {
  instanceId: number;
  containerName: string;
  engine: EngineAdapter;
  image: string;
  plan: ContainerPlan;
  sizing: Sizing;
  ports: PortBinding[];
  mounts: BindMount[];
  /** A VNet with the instance's static IP, or the instance's own network (Podman picks the address). */
  network?: { name: string; ipv4?: string };
}

export interface SpecBuilder {
  /** Refuses (400) a SKU larger than the host. */
  checkCapacity(sizing: Sizing): Promise<void>;
  build(input: SpecInput): Promise<{ spec: ContainerSpec; limits: LimitsEnforced }>;
}
