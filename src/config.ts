import path from 'node:path';
import { z } from 'zod';

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const portRange = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}$/, 'must look like 20000-29999')
  .transform((v) => v.split('-').map(Number) as [number, number])
  .refine(([lo, hi]) => lo >= 1024 && hi <= 65535 && lo < hi, 'must be within 1024-65535, low before high')
  .transform(([lo, hi]) => ({ low: lo, high: hi }));

/** Environment variables the module and its host read, with defaults. */
const envSchema = z.object({
  PORT: intFrom(1, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  FLUX_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  FLUX_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  FLUX_READ_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Podman API socket override: unix:///path or a plain path. */
  FLUX_DATABASES_PODMAN_SOCKET: z.string().min(1).optional(),
  CONTAINER_HOST: z.string().min(1).optional(),
  DOCKER_HOST: z.string().min(1).optional(),
  XDG_RUNTIME_DIR: z.string().min(1).optional(),
  FLUX_DATABASES_PORT_RANGE: portRange.default('20000-29999'),
  /** How long one image pull may take before it is cancelled (PULL_TIMEOUT). */
  FLUX_DATABASES_PULL_TIMEOUT_S: intFrom(10, 86400).default(900),
  /** containers-auth.json with registry credentials (`podman login --authfile FILE`); read at each pull. */
  FLUX_DATABASES_REGISTRY_AUTH_FILE: z.string().min(1).optional(),
  FLUX_DATABASES_HEALTH_INTERVAL_S: intFrom(5, 86400).default(30),
  /** Consecutive failed checks before an instance shows `unhealthy`. */
  FLUX_DATABASES_UNHEALTHY_AFTER: intFrom(1, 100).default(3),
  /** How long one health check (or one instance's metrics sample) may take. */
  FLUX_DATABASES_CHECK_TIMEOUT_S: intFrom(1, 300).default(10),
  /** Instances checked (and sampled) at once. */
  FLUX_DATABASES_CHECK_CONCURRENCY: intFrom(1, 64).default(4),
  FLUX_DATABASES_METRICS_INTERVAL_S: intFrom(5, 86400).default(60),
  FLUX_DATABASES_RECONCILE_INTERVAL_S: intFrom(5, 86400).default(60),
  /** How often each instance's volume usage is measured (du of its directory). */
  FLUX_DATABASES_STORAGE_INTERVAL_S: intFrom(5, 86400).default(300),
  /** Where snapshot files are kept (default <module data dir>/backups); another disk is the usual choice. */
  FLUX_DATABASES_BACKUP_DIR: z.string().min(1).optional(),
  /** A dump or restore stream that moves no byte for this long fails (there is no overall limit). */
  FLUX_DATABASES_BACKUP_STALL_TIMEOUT_S: intFrom(5, 86400).default(300),
  /** The largest dump POST /databases/{id}/import accepts, in MB. */
  FLUX_DATABASES_IMPORT_MAX_MB: intFrom(1, 10_485_760).default(10240),
  /** How long one Podman API call may take before it fails with PODMAN_TIMEOUT (long operations add their own time). */
  FLUX_DATABASES_PODMAN_TIMEOUT_S: z.coerce.number().min(0.05).max(3600).default(30),
  FLUX_DATABASES_METRICS_RETENTION_DAYS: intFrom(1, 3650).default(7),
  FLUX_DATABASES_HEALTH_RETENTION_DAYS: intFrom(1, 3650).default(30),
  FLUX_DATABASES_BACKUP_RETENTION_DAYS: intFrom(1, 3650).default(30),
  /** How long audit records are kept; older ones are deleted in batches by a background job. */
  FLUX_DATABASES_AUDIT_RETENTION_DAYS: intFrom(1, 36500).default(365),
  /** Where alert changes are POSTed as JSON (http or https); unset: alerts are only recorded. */
  FLUX_DATABASES_ALERT_WEBHOOK_URL: z.string().url('must be an http(s) URL').refine((v) => /^https?:\/\//i.test(v), 'must be an http(s) URL').optional(),
  /** The HMAC-SHA256 key the webhook's signature header is made with; required with the URL. */
  FLUX_DATABASES_ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Attempts per webhook delivery before it is recorded as failed (backoff doubles from 2 s). */
  FLUX_DATABASES_ALERT_WEBHOOK_ATTEMPTS: intFrom(1, 20).default(8),
  /** Let the enable hook install Podman with the host's package manager. */
  FLUX_DATABASES_AUTO_INSTALL_PODMAN: bool.default('false'),
  /** Start `podman system service` when its socket is missing. */
  FLUX_DATABASES_START_PODMAN_SERVICE: bool.default('true'),
  /** 32-byte key, base64, for credentials at rest; when unset a key file is made in the data dir. */
  FLUX_DATABASES_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
});

const imageOverride = /^[a-z0-9][a-z0-9._\-/:@]{0,254}$/i;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  adminToken?: string;
  readToken?: string;
  logLevel: string;
  podmanSocket?: string;
  containerHost?: string;
  dockerHost?: string;
  xdgRuntimeDir?: string;
  portRange: { low: number; high: number };
  pullTimeoutS: number;
  /** Absolute path of a containers-auth.json file; its content is never logged or returned. */
  registryAuthFile?: string;
  healthIntervalS: number;
  unhealthyAfter: number;
  checkTimeoutS: number;
  checkConcurrency: number;
  metricsIntervalS: number;
  reconcileIntervalS: number;
  storageIntervalS: number;
  /** Absolute; undefined: <module data dir>/backups. */
  backupDir?: string;
  backupStallTimeoutS: number;
  importMaxMb: number;
  podmanTimeoutS: number;
  metricsRetentionDays: number;
  healthRetentionDays: number;
  backupRetentionDays: number;
  auditRetentionDays: number;
  /** The alert webhook; `secret` signs each body and is never logged or returned. */
  alertWebhook?: { url: string; secret: string; attempts: number };
  autoInstallPodman: boolean;
  startPodmanService: boolean;
  masterKey?: string;
  /** Per-engine image overrides from FLUX_DATABASES_IMAGE_<ENGINE>, keyed by lower-case engine id. */
  imageOverrides: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates every setting once; the result is frozen. Nothing else reads process.env. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  if (e.FLUX_DATABASES_ALERT_WEBHOOK_URL && !e.FLUX_DATABASES_ALERT_WEBHOOK_SECRET) {
    throw new ConfigError('FLUX_DATABASES_ALERT_WEBHOOK_SECRET', 'is required with FLUX_DATABASES_ALERT_WEBHOOK_URL (every delivery is signed)');
  }
  const imageOverrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(present)) {
    const m = /^FLUX_DATABASES_IMAGE_([A-Z0-9]+)$/.exec(key);
    if (!m || value === undefined) continue;
    if (!imageOverride.test(value)) throw new ConfigError(key, 'is not a valid image reference');
    imageOverrides[m[1]!.toLowerCase()] = value;
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.FLUX_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    adminToken: e.FLUX_ADMIN_TOKEN,
    readToken: e.FLUX_READ_TOKEN,
    logLevel: e.LOG_LEVEL,
    podmanSocket: e.FLUX_DATABASES_PODMAN_SOCKET,
    containerHost: e.CONTAINER_HOST,
    dockerHost: e.DOCKER_HOST,
    xdgRuntimeDir: e.XDG_RUNTIME_DIR,
    portRange: Object.freeze(e.FLUX_DATABASES_PORT_RANGE),
    pullTimeoutS: e.FLUX_DATABASES_PULL_TIMEOUT_S,
    registryAuthFile: e.FLUX_DATABASES_REGISTRY_AUTH_FILE === undefined ? undefined : path.resolve(e.FLUX_DATABASES_REGISTRY_AUTH_FILE),
    healthIntervalS: e.FLUX_DATABASES_HEALTH_INTERVAL_S,
    unhealthyAfter: e.FLUX_DATABASES_UNHEALTHY_AFTER,
    checkTimeoutS: e.FLUX_DATABASES_CHECK_TIMEOUT_S,
    checkConcurrency: e.FLUX_DATABASES_CHECK_CONCURRENCY,
    metricsIntervalS: e.FLUX_DATABASES_METRICS_INTERVAL_S,
    reconcileIntervalS: e.FLUX_DATABASES_RECONCILE_INTERVAL_S,
    storageIntervalS: e.FLUX_DATABASES_STORAGE_INTERVAL_S,
    backupDir: e.FLUX_DATABASES_BACKUP_DIR === undefined ? undefined : path.resolve(e.FLUX_DATABASES_BACKUP_DIR),
    backupStallTimeoutS: e.FLUX_DATABASES_BACKUP_STALL_TIMEOUT_S,
    importMaxMb: e.FLUX_DATABASES_IMPORT_MAX_MB,
    podmanTimeoutS: e.FLUX_DATABASES_PODMAN_TIMEOUT_S,
    metricsRetentionDays: e.FLUX_DATABASES_METRICS_RETENTION_DAYS,
    healthRetentionDays: e.FLUX_DATABASES_HEALTH_RETENTION_DAYS,
    backupRetentionDays: e.FLUX_DATABASES_BACKUP_RETENTION_DAYS,
    auditRetentionDays: e.FLUX_DATABASES_AUDIT_RETENTION_DAYS,
    alertWebhook: e.FLUX_DATABASES_ALERT_WEBHOOK_URL ? Object.freeze({
      url: e.FLUX_DATABASES_ALERT_WEBHOOK_URL, secret: e.FLUX_DATABASES_ALERT_WEBHOOK_SECRET!, attempts: e.FLUX_DATABASES_ALERT_WEBHOOK_ATTEMPTS,
    }) : undefined,
    autoInstallPodman: e.FLUX_DATABASES_AUTO_INSTALL_PODMAN,
    startPodmanService: e.FLUX_DATABASES_START_PODMAN_SERVICE,
    masterKey: e.FLUX_DATABASES_MASTER_KEY,
    imageOverrides: Object.freeze(imageOverrides),
  });
}
