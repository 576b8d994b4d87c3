import { listAdapters } from '../../services/adapters/registry.js';
import type { EngineAdapter } from '../../services/adapters/types.js';
import type { EngineView, SkuTable } from '../schemas/system.js';
import { CUSTOM_MAX, CUSTOM_MIN, DEFAULT_SKU, SERIES, SKUS } from '../../services/orchestration/skus.js';

/** One engine as GET /engines shows it: the original's fields plus image, ports and capabilities. */
export function engineView(a: EngineAdapter): EngineView {
  const primary = a.ports.find((p) => p.primary) ?? a.ports[0];
  const c = a.capabilities;
  return {
    engine: a.engine,
    display_name: a.displayName,
    description: a.description,
    category: a.category,
    default_image: a.defaultImage,
    default_version: a.defaultVersion,
    image: `${a.defaultImage}:${a.defaultVersion}`,
    versions: [...a.versions],
    default_port: primary?.containerPort ?? null,
    ports: a.ports.map((p) => ({ name: p.name, container_port: p.containerPort, primary: p.primary ?? false })),
    supports_databases: c.supportsDatabases,
    supports_users: c.supportsUsers,
    supports_backup: c.supportsBackup,
    supports_restore: c.supportsRestore,
    supports_clone: c.supportsClone,
    supports_metrics: c.supportsMetrics,
    supports_browse: c.supportsBrowse,
    supports_tls: c.supportsTls,
    is_embedded: c.isEmbedded,
    has_authentication: c.hasAuthentication,
    unsupported: { ...a.unsupported },
    min_memory_mb: a.minMemoryMb,
    min_cpus: a.minCpus,
    fixed_username: a.fixedUsername,
  };
}

export function listEngines() {
  return listAdapters().map(engineView);
}

/** The SKU table with each series' Podman behaviour (flags beyond --memory and --cpus). */
export function listSkus(): SkuTable {
  return {
    default: DEFAULT_SKU,
    skus: SKUS.map((s) => ({
      id: s.id, name: s.name, series: s.series, cpus: s.cpus, memory_mb: s.memoryMb, storage_gb: s.storageGb,
      recommended: s.recommended ?? false,
    })),
    series: Object.values(SERIES).map((s) => ({
      series: s.series, title: s.title, frontend_series: s.frontendSeries, use_case: s.useCase, podman: s.podman, podman_flags: s.podmanFlags,
    })),
    custom: { min: { memory_mb: CUSTOM_MIN.memoryMb, cpus: CUSTOM_MIN.cpus, storage_gb: CUSTOM_MIN.storageGb },
      max: { memory_mb: CUSTOM_MAX.memoryMb, cpus: CUSTOM_MAX.cpus, storage_gb: CUSTOM_MAX.storageGb } },
    storage_note: 'storage_gb is recorded and monitored; Podman does not enforce it without a quota-capable filesystem',
  };
}
