/** Identity of the module, fixed by the original manifest. */
export const MODULE_ID = '620600';
export const MODULE_NAME = 'databases';
export const TABLE_PREFIX = '620600_databases';
export const MOUNT_PATH = '/api/modules/databases';

export const TABLES = {
  instances: `${TABLE_PREFIX}_instances`,
  snapshots: `${TABLE_PREFIX}_snapshots`,
  backups: `${TABLE_PREFIX}_backups`,
  metrics: `${TABLE_PREFIX}_metrics`,
  healthHistory: `${TABLE_PREFIX}_health_history`,
  credentials: `${TABLE_PREFIX}_credentials`,
  users: `${TABLE_PREFIX}_users`,
  databases: `${TABLE_PREFIX}_databases`,
  // Beyond the seed's eight: monitoring.
  statusEvents: `${TABLE_PREFIX}_status_events`,
  metricRollups: `${TABLE_PREFIX}_metric_rollups`,
  alerts: `${TABLE_PREFIX}_alerts`,
  // Accounts: rotations' grace periods.
  passwordGrace: `${TABLE_PREFIX}_password_grace`,
  // Who did what, when (never a secret).
  audit: `${TABLE_PREFIX}_audit`,
} as const;

/** Where the migrator records what it applied (infrastructure, not one of the 8 data tables). */
export const MIGRATIONS_TABLE = `${TABLE_PREFIX}_schema_migrations`;

export const PERMISSIONS = {
  read: 'databases:read',
  write: 'databases:write',
} as const;
export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

/** Labels put on every container, volume and network the module creates; it never touches unlabelled ones. */
export const LABELS = {
  module: 'io.flux.module',
  instance: 'io.flux.databases.instance',
  engine: 'io.flux.databases.engine',
  purpose: 'io.flux.databases.purpose',
  /** Which installation (data directory) owns it: two modules on one host never touch each other's. */
  installation: 'io.flux.databases.installation',
} as const;
