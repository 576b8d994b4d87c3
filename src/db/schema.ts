import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
/** pg returns NUMERIC and BIGINT as strings; repositories convert. */
type Numeric = ColumnType<string, number | string, number | string>;

import type { InstanceStatus } from '../services/instances/instance-state.js';
import type { PullStatus } from '../services/images/pull-status.js';

export type { InstanceStatus };

export interface LimitsEnforced {
  memory?: boolean;
  cpu?: boolean;
  cpuShares?: boolean;
  swap?: boolean;
  swappiness?: boolean;
  oomScoreAdj?: boolean;
  pids?: boolean;
  /** 'quota' when the filesystem enforces it, 'monitored' when only watched. */
  storage?: 'quota' | 'monitored';
  notes?: string[];
}

export interface InstancesTable {
  id: Generated<number>;
  name: string;
  container_name: string;
  container_id: string | null;
  engine: string;
  engine_version: string;
  image: string;
  database_name: string;
  username: string;
  host: Generated<string>;
  port: number | null;
  status: Generated<InstanceStatus>;
  status_message: string | null;
  error_message: string | null;
  progress: Generated<number>;
  sku: Generated<string>;
  cpu_limit: Numeric;
  memory_limit_mb: number;
  storage_limit_gb: number;
  limits_enforced: Json<LimitsEnforced>;
  external_access: Generated<boolean>;
  tls_enabled: Generated<boolean>;
  tls_cert_path: string | null;
  tls_key_path: string | null;
  volume_path: string | null;
  vnet_name: string | null;
  vnet_subnet: string | null;
  vnet_ip: string | null;
  options: Json<Record<string, unknown>>;
  last_health: 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | null;
  last_health_at: NullableTimestamp;
  started_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** A requested delete's keep_data choice; null while no delete was asked for. */
  delete_keep_data: boolean | null;
  /** The adapter's one-time first-start steps ran to the end. */
  first_start_done: Generated<boolean>;
  /** Manifest digest of the image the container was created from (pulled, or as found locally). */
  image_digest: ColumnType<string | null, string | null | undefined, string | null>;
  /** The create's image pull: bytes, layers, percent; its outcome once it ended. */
  pull_progress: ColumnType<PullStatus | null, string | null | undefined, string | null>;
  /** Bytes the instance's directory takes on disk, as last measured (BIGINT: a string from pg). */
  storage_used_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  storage_checked_at: NullableTimestamp;
  /** The storage level last logged: a crossing of 80 % or 95 % is logged once. */
  storage_alert: 'ok' | 'warning' | 'critical' | null;
  /** Per-instance overrides of the built-in alert rules. */
  alert_rules: ColumnType<Record<string, { enabled?: boolean; threshold?: number }>, string | undefined, string>;
  /** The backup schedule and retention (migration 007); null: none. */
  backup_policy: ColumnType<BackupPolicy | null, string | null | undefined, string | null>;
}

/** When an instance is backed up, how many snapshots are kept (grandfather-father-son), whether each is drilled. */
export interface BackupPolicy {
  /** A cron expression (5 or 6 fields). */
  schedule: string;
  keep_last: number;
  keep_daily: number;
  keep_weekly: number;
  keep_monthly: number;
  verify: boolean;
}

export interface CredentialsTable {
  id: Generated<number>;
  instance_id: number;
  kind: 'admin' | 'root' | 'user' | 'api_key' | 'tls_key';
  username: string;
  secret_ciphertext: string;
  key_id: string;
  created_at: Timestamp;
  rotated_at: NullableTimestamp;
}

export interface UsersTable {
  id: Generated<number>;
  instance_id: number;
  username: string;
  credential_id: number | null;
  permissions: Json<string[]>;
  created_at: Timestamp;
  /** What the user may do (migration 009), as mapped to the engine's grants. */
  role: ColumnType<'admin' | 'readwrite' | 'readonly', 'admin' | 'readwrite' | 'readonly' | undefined, 'admin' | 'readwrite' | 'readonly'>;
  /** The databases its grants name; [] for an instance-wide admin. */
  databases: Json<string[]>;
  /** The Redis family's key patterns; [] elsewhere. */
  key_patterns: Json<string[]>;
}

/** A rotation's grace period: the old password works until drop_at (migration 009). */
export interface PasswordGraceTable {
  id: Generated<number>;
  instance_id: number;
  username: string;
  admin: boolean;
  drop_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
}

export interface InnerDatabasesTable {
  id: Generated<number>;
  instance_id: number;
  name: string;
  owner: string | null;
  created_at: Timestamp;
}

export type SnapshotStatus = 'running' | 'completed' | 'failed';
export type SnapshotKind = 'manual' | 'scheduled' | 'pre_restore' | 'export' | 'import';

/** One snapshot, from the moment its dump starts (migration 007); the file at `path` is encrypted. */
export interface SnapshotsTable {
  id: Generated<number>;
  instance_id: number;
  path: string;
  /** Bytes of the plain dump (so far, while it runs). */
  size_bytes: ColumnType<string, number | undefined, number>;
  notes: string | null;
  created_at: Timestamp;
  status: Generated<SnapshotStatus>;
  kind: Generated<SnapshotKind>;
  engine: string | null;
  engine_version: string | null;
  tool: string | null;
  format: string | null;
  /** SHA-256 of the plain dump, hex. */
  sha256: string | null;
  stored_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  key_id: string | null;
  figures: ColumnType<{ low: Record<string, number>; high: Record<string, number> } | null, string | null | undefined, string | null>;
  error_message: string | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  duration_ms: number | null;
  verify_status: 'passed' | 'failed' | null;
  verified_at: NullableTimestamp;
  verify_message: string | null;
}

export interface BackupsTable {
  id: Generated<number>;
  instance_id: number;
  snapshot_id: number | null;
  backup_type: Generated<'manual' | 'scheduled' | 'export' | 'pre_restore' | 'restore' | 'import' | 'clone' | 'drill'>;
  format: Generated<string>;
  path: string | null;
  size_bytes: ColumnType<string, number | undefined, number>;
  status: Generated<'pending' | 'running' | 'completed' | 'failed'>;
  error_message: string | null;
  notes: string | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  created_at: Timestamp;
  tool: string | null;
  duration_ms: number | null;
}

export interface MetricsTable {
  id: Generated<string>;
  instance_id: number;
  collected_at: Timestamp;
  cpu_percent: number | null;
  memory_used_mb: number | null;
  memory_limit_mb: number | null;
  memory_percent: number | null;
  connections: number | null;
  active_queries: number | null;
  queries_per_sec: number | null;
  /** Always a fraction 0..1 (the original mixed percent and fraction). */
  cache_hit_ratio: number | null;
  uptime_seconds: ColumnType<string | null, number | null | undefined, number | null>;
  storage_used_mb: number | null;
  custom: Json<Record<string, unknown>>;
}

export interface HealthHistoryTable {
  id: Generated<string>;
  instance_id: number;
  checked_at: Timestamp;
  status: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  response_time_ms: number | null;
  message: string | null;
  details: Json<Record<string, unknown>>;
}

export interface StatusEventsTable {
  id: Generated<string>;
  instance_id: number;
  at: Timestamp;
  from_status: string;
  to_status: string;
  reason: string;
}

export interface MetricRollupsTable {
  instance_id: number;
  resolution: '5m' | '1h';
  bucket: Timestamp;
  metric: string;
  avg: number;
  max: number;
  samples: number;
}

export interface AlertsTable {
  id: Generated<string>;
  instance_id: number;
  rule: string;
  severity: 'warning' | 'critical';
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number | null;
  message: string;
  fired_at: Timestamp;
  resolved_at: NullableTimestamp;
  /** Why it resolved (migration 008); `message` stays why it fired. */
  resolved_message: ColumnType<string | null, string | null | undefined, string | null>;
  delivery: Json<Record<string, unknown>>;
}

/** One audit record (migration 010): who did what to which instance, when, with which outcome; never a secret. */
export interface AuditTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  source: 'api' | 'system';
  action: string;
  instance_id: number | null;
  params: Json<Record<string, unknown>>;
  outcome: 'succeeded' | 'failed';
  status: number | null;
  error_code: string | null;
  address: string | null;
  method: string | null;
  route: string | null;
  request_id: string | null;
}

/** Kysely's view of the store; keys are the real (prefixed) table names. */
export interface Database {
  '620600_databases_instances': InstancesTable;
  '620600_databases_credentials': CredentialsTable;
  '620600_databases_users': UsersTable;
  '620600_databases_databases': InnerDatabasesTable;
  '620600_databases_snapshots': SnapshotsTable;
  '620600_databases_backups': BackupsTable;
  '620600_databases_metrics': MetricsTable;
  '620600_databases_health_history': HealthHistoryTable;
  '620600_databases_status_events': StatusEventsTable;
  '620600_databases_metric_rollups': MetricRollupsTable;
  '620600_databases_alerts': AlertsTable;
  '620600_databases_password_grace': PasswordGraceTable;
  '620600_databases_audit': AuditTable;
}

export type InstanceRow = Selectable<InstancesTable>;
export type NewInstance = Insertable<InstancesTable>;
export type InstanceUpdate = Updateable<InstancesTable>;
export type CredentialRow = Selectable<CredentialsTable>;
export type NewCredential = Insertable<CredentialsTable>;
