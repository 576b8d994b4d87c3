import { Type, type Static } from 'typebox';
import { INSTANCE_STATUSES } from '../../services/instances/instance-state.js';
import { MAX_INSTANCE_NAME, MAX_VNET_NAME, PATTERNS } from '../../services/instances/request.js';
import { STORAGE_LEVELS } from '../../services/instances/storage-monitor.js';
import { EngineId, literals, Nullable } from './common.js';
import { PullStatus } from './images.js';

export { EngineId };
export const InstanceStatus = literals(INSTANCE_STATUSES);

/** POST /databases: the original's body fields plus an engine version. Unknown fields are refused. */
export const CreateInstanceBody = Type.Object(
  {
    engine: EngineId,
    version: Type.Optional(Type.String({ pattern: PATTERNS.version, maxLength: 64 })),
    name: Type.Optional(Type.String({ pattern: PATTERNS.instanceName, minLength: 1, maxLength: MAX_INSTANCE_NAME })),
    database_name: Type.Optional(Type.String({ pattern: PATTERNS.databaseName, maxLength: 63 })),
    sku: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,10}$' })),
    memory_limit_mb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })),
    cpu_limit: Type.Optional(Type.Number({ minimum: 0.01, maximum: 1024 })),
    storage_limit_gb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })),
    external_access: Type.Optional(Type.Boolean()),
    tls_enabled: Type.Optional(Type.Boolean()),
    tls_cert: Type.Optional(Type.String({ maxLength: 32_768, description: 'PEM certificate, base64' })),
    tls_key: Type.Optional(Type.String({ maxLength: 32_768, description: 'PEM key, base64' })),
    vnet_name: Type.Optional(Type.String({ pattern: PATTERNS.vnetName, maxLength: MAX_VNET_NAME })),
  },
  { additionalProperties: false },
);

export const DeleteQuery = Type.Object({ keep_data: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });
export const OrphanParams = Type.Object({ name: Type.String({ pattern: '^db-[a-z][a-z0-9-]{0,60}$' }) }, { additionalProperties: false });

/** What the host really enforces of the SKU; storage is watched, never a quota, on this filesystem. */
export const LimitsEnforced = Type.Object({
  memory: Type.Optional(Type.Boolean()),
  cpu: Type.Optional(Type.Boolean()),
  cpuShares: Type.Optional(Type.Boolean()),
  swap: Type.Optional(Type.Boolean()),
  swappiness: Type.Optional(Type.Boolean()),
  oomScoreAdj: Type.Optional(Type.Boolean()),
  pids: Type.Optional(Type.Boolean()),
  storage: Type.Optional(literals(['quota', 'monitored'])),
  notes: Type.Optional(Type.Array(Type.String())),
});

/** The instance's volume usage as last measured, against its storage_limit_gb. */
export const StorageUsage = Type.Object({
  limit_bytes: Type.Integer(),
  used_bytes: Nullable(Type.Integer({ description: 'null until the first measurement' })),
  percent: Nullable(Type.Number({ description: 'used_bytes of limit_bytes, in percent (may pass 100: not a hard limit)' })),
  level: literals(STORAGE_LEVELS),
  checked_at: Nullable(Type.String({ format: 'date-time' })),
  message: Nullable(Type.String({ description: 'what a warning or critical level means; null otherwise' })),
});

const Timestamp = Nullable(Type.String({ format: 'date-time' }));

export const InstanceView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  container_name: Type.String(),
  container_id: Nullable(Type.String()),
  engine: EngineId,
  engine_version: Type.String(),
  image: Type.String(),
  image_digest: Nullable(Type.String({ description: 'manifest digest of the image the container was created from' })),
  pull_progress: Nullable(PullStatus),
  host: Type.String(),
  port: Nullable(Type.Integer()),
  database: Type.String(),
  username: Type.String(),
  status: InstanceStatus,
  status_message: Nullable(Type.String()),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  error_message: Nullable(Type.String()),
  sku: Type.String(),
  cpu_limit: Type.Number(),
  memory_limit_mb: Type.Integer(),
  storage_limit_gb: Type.Integer(),
  storage: StorageUsage,
  limits_enforced: LimitsEnforced,
  external_access: Type.Boolean(),
  tls_enabled: Type.Boolean(),
  vnet_name: Nullable(Type.String()),
  vnet_ip: Nullable(Type.String()),
  volume_path: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  started_at: Timestamp,
}, { description: 'one instance, no secrets' });

export const InstanceList = Type.Array(InstanceView, { description: 'every instance, newest first' });

export const CreateAccepted = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  container_name: Type.String(),
  status: InstanceStatus,
  message: Type.String(),
  instance: InstanceView,
}, { description: 'the row exists; the create runs in the background and the row shows its progress' });

export const ActionResult = Type.Object({ message: Type.String(), instance: InstanceView }, { description: 'the engine answers again (or stopped)' });

export const ReconcileReport = Type.Object({
  checked: Type.Integer(),
  changes: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), from: Type.String(), to: Type.String(), reason: Type.String() })),
  orphans: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), instanceLabel: Nullable(Type.String()), state: Type.String() })),
}, { description: 'what was changed, and labelled containers that have no row (never removed silently)' });

export type CreateInstanceBody = Static<typeof CreateInstanceBody>;
export type DeleteQuery = Static<typeof DeleteQuery>;
export type OrphanParams = Static<typeof OrphanParams>;
export type LimitsEnforced = Static<typeof LimitsEnforced>;
export type StorageUsage = Static<typeof StorageUsage>;
export type InstanceView = Static<typeof InstanceView>;
export type CreateAccepted = Static<typeof CreateAccepted>;
export type ActionResult = Static<typeof ActionResult>;
export type ReconcileReport = Static<typeof ReconcileReport>;
