/** The SKU table of the original module (ORIGINAL-MODULE.md section 3) and each series' Podman behaviour. */

export type SkuSeries = 'B' | 'D' | 'E' | 'F' | 'custom';

export interface Sku {
  id: string;
  name: string;
  series: SkuSeries;
  cpus: number;
  memoryMb: number;
  storageGb: number;
  recommended?: boolean;
}

export interface SeriesInfo {
  series: SkuSeries;
  title: string;
  frontendSeries: 'burstable' | 'general' | 'memory' | 'compute' | 'custom';
  useCase: string;
  /** Podman flags beyond --memory and --cpus, as the seed states them. */
  podman: { cpuShares?: number; memorySwappiness?: number; oomScoreAdj?: number; memorySwapEqualsMemory?: boolean };
  podmanFlags: string[];
}

export const SERIES: Record<SkuSeries, SeriesInfo> = {
  B: {
    series: 'B', title: 'Burstable', frontendSeries: 'burstable',
    useCase: 'Low CPU priority, yields under host contention',
    podman: { cpuShares: 512 }, podmanFlags: ['--cpu-shares=512'],
  },
  D: {
    series: 'D', title: 'General Purpose', frontendSeries: 'general',
    useCase: 'Standard CPU priority, balanced performance',
    podman: { cpuShares: 1024 }, podmanFlags: ['--cpu-shares=1024'],
  },
  E: {
    series: 'E', title: 'Memory Optimized', frontendSeries: 'memory',
    useCase: 'No swap, OOM kill protection, keeps data in RAM',
    podman: { cpuShares: 1024, memorySwappiness: 0, oomScoreAdj: -500 },
    podmanFlags: ['--cpu-shares=1024', '--memory-swappiness=0', '--oom-score-adj=-500'],
  },
  F: {
    series: 'F', title: 'Compute Optimized', frontendSeries: 'compute',
    useCase: 'High CPU priority, strict no-swap, favored under contention',
    podman: { cpuShares: 2048, memorySwapEqualsMemory: true },
    podmanFlags: ['--cpu-shares=2048', '--memory-swap=<memory>'],
  },
  custom: {
    series: 'custom', title: 'Custom', frontendSeries: 'custom',
    useCase: 'Define exact resources, uses general purpose behavior',
    // The seed's custom SKU added no flags; its own UI promised general purpose behaviour, so D's shares.
    podman: { cpuShares: 1024 }, podmanFlags: ['--cpu-shares=1024'],
  },
};

const row = (id: string, cpus: number, memoryMb: number, storageGb: number, recommended = false): Sku => ({
  id, name: id.toUpperCase(), series: id[0]!.toUpperCase() as SkuSeries, cpus, memoryMb, storageGb,
  ...(recommended ? { recommended } : {}),
});

export const SKUS: readonly Sku[] = [
  row('b1', 0.5, 1024, 10), row('b2', 1, 2048, 20), row('b4', 2, 4096, 40),
  row('d2', 2, 4096, 50, true), row('d4', 4, 8192, 100), row('d8', 8, 16384, 200),
  row('d16', 16, 32768, 500), row('d32', 32, 65536, 1024), row('d64', 64, 131072, 2048),
  row('e2', 2, 8192, 50), row('e4', 4, 16384, 100), row('e8', 8, 32768, 200),
  row('e16', 16, 65536, 500), row('e32', 32, 131072, 1024), row('e64', 64, 262144, 2048),
  row('f2', 2, 2048, 30), row('f4', 4, 4096, 60), row('f8', 8, 8192, 120),
  row('f16', 16, 16384, 240), row('f32', 32, 32768, 480), row('f64', 64, 65536, 960),
];

export const DEFAULT_SKU = 'd2';

/** Minimums for a custom SKU (the original's frontend rules, now enforced by the server). */
export const CUSTOM_MIN = { memoryMb: 512, cpus: 0.5, storageGb: 1 } as const;
export const CUSTOM_MAX = { memoryMb: 262144, cpus: 64, storageGb: 65536 } as const;

export function findSku(id: string): Sku | undefined {
  return SKUS.find((s) => s.id === id);
}
