import type { InstanceRow, LimitsEnforced } from '../../db/schema.js';
import type { EngineId } from '../../services/adapters/types.js';
import type { InstanceView, StorageUsage } from '../schemas/instances.js';
import { limitBytes, storageLevel, storageMessage, storagePercent } from '../../services/instances/storage-monitor.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The API's view of an instance: no secrets, numbers as numbers, timestamps as ISO strings. */
export function instanceView(row: InstanceRow): InstanceView {
  return {
    id: row.id,
    name: row.name,
    container_name: row.container_name,
    container_id: row.container_id,
    engine: row.engine as EngineId,
    engine_version: row.engine_version,
    image: row.image,
    image_digest: row.image_digest,
    pull_progress: row.pull_progress,
    host: row.host,
    port: row.port,
    database: row.database_name,
    username: row.username,
    status: row.status,
    status_message: row.status_message,
    progress: row.progress,
    error_message: row.error_message,
    sku: row.sku,
    cpu_limit: Number(row.cpu_limit),
    memory_limit_mb: row.memory_limit_mb,
    storage_limit_gb: row.storage_limit_gb,
    storage: storageView(row),
    limits_enforced: row.limits_enforced as unknown as LimitsEnforced,
    external_access: row.external_access,
    tls_enabled: row.tls_enabled,
    vnet_name: row.vnet_name,
    vnet_ip: row.vnet_ip,
    volume_path: row.volume_path,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    started_at: iso(row.started_at),
  };
}

/** The last volume measurement against storage_limit_gb (GB = 2^30 bytes). */
export function storageView(row: InstanceRow): StorageUsage {
  const used = row.storage_used_bytes === null ? null : Number(row.storage_used_bytes);
  const percent = used === null ? null : storagePercent(used, row.storage_limit_gb);
  const level = storageLevel(used, row.storage_limit_gb);
  return {
    limit_bytes: limitBytes(row.storage_limit_gb),
    used_bytes: used,
    percent,
    level,
    checked_at: iso(row.storage_checked_at),
    message: storageMessage(level, percent, row.storage_limit_gb),
  };
}
