import { badRequest } from '../../errors.js';
import type { HostFacts } from '../host/host-facts.js';
import type { ResourceLimits } from '../runtime/container-runtime.js';
import { CUSTOM_MAX, CUSTOM_MIN, SERIES, SKUS, findSku, type SkuSeries } from './skus.js';

/** The resources an instance was granted (a preset SKU's row, or validated custom values). */
export interface Sizing {
  sku: string;
  series: SkuSeries;
  memoryMb: number;
  cpus: number;
  storageGb: number;
}

const MB = 1024 * 1024;

/** Preset SKU id, or 'custom' with values checked against CUSTOM_MIN/CUSTOM_MAX (400 otherwise). */
export function resolveSku(id: string, custom?: { memoryMb?: number; cpus?: number; storageGb?: number }): Sizing {
  const skuId = id.toLowerCase();
  if (skuId !== 'custom') {
    const sku = findSku(skuId);
    if (!sku) throw badRequest(`Invalid SKU tier: ${id}. Must be one of: ${SKUS.map((s) => s.id).join(', ')}, custom`);
    return { sku: sku.id, series: sku.series, memoryMb: sku.memoryMb, cpus: sku.cpus, storageGb: sku.storageGb };
  }
  const { memoryMb, cpus, storageGb } = custom ?? {};
  const check = (value: number | undefined, field: string, min: number, max: number, unit: string) => {
    if (value === undefined || !Number.isFinite(value)) throw badRequest(`custom SKU needs ${field}`);
    if (value < min || value > max) throw badRequest(`custom SKU ${field} must be between ${min} and ${max} ${unit}, got ${value}`);
  };
  check(memoryMb, 'memory', CUSTOM_MIN.memoryMb, CUSTOM_MAX.memoryMb, 'MB');
  check(cpus, 'cpus', CUSTOM_MIN.cpus, CUSTOM_MAX.cpus, 'vCPU');
  check(storageGb, 'storage', CUSTOM_MIN.storageGb, CUSTOM_MAX.storageGb, 'GB');
  return { sku: 'custom', series: 'custom', memoryMb: Math.floor(memoryMb!), cpus: Math.round(cpus! * 100) / 100, storageGb: Math.floor(storageGb!) };
}

/** Refuses (400) a sizing the host cannot give: more CPUs than it has, or more memory than MemTotal. */
export function checkHostCapacity(sizing: Sizing, host: Pick<HostFacts, 'cpus' | 'memoryBytes'>): void {
  const hostMb = Math.floor(host.memoryBytes / MB);
  if (sizing.cpus > host.cpus) {
    throw badRequest(`SKU ${sizing.sku} needs ${sizing.cpus} vCPU but this host has ${host.cpus}; choose a smaller SKU`);
  }
  if (sizing.memoryMb > hostMb) {
    throw badRequest(`SKU ${sizing.sku} needs ${sizing.memoryMb} MB of memory but this host has ${hostMb} MB; choose a smaller SKU`);
  }
}

/**
 * The seed's per-series flags as resource limits: memory and CPUs from the SKU; B shares 512,
 * D 1024, E 1024 + swappiness 0 + oom-score-adj -500, F 2048 + memory-swap = memory (no swap),
 * custom 1024 (its UI promised general purpose behaviour).
 */
export function skuResources(sizing: Sizing, pidsLimit: number): ResourceLimits {
  const memoryBytes = sizing.memoryMb * MB;
  const flags = SERIES[sizing.series].podman;
  const limits: ResourceLimits = { memoryBytes, nanoCpus: Math.round(sizing.cpus * 1e9), pidsLimit };
  if (flags.cpuShares !== undefined) limits.cpuShares = flags.cpuShares;
  if (flags.memorySwappiness !== undefined) limits.memorySwappiness = flags.memorySwappiness;
  if (flags.oomScoreAdj !== undefined) limits.oomScoreAdj = flags.oomScoreAdj;
  if (flags.memorySwapEqualsMemory) limits.memorySwapBytes = memoryBytes;
  return limits;
}
