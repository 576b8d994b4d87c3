import { Type, type Static } from 'typebox';
import { InstanceStatus, LimitsEnforced } from './instances.js';
import { AlertView } from './alerts.js';
import { literals, Nullable } from './common.js';

const LOG_LEVELS = ['error', 'warning', 'info', 'debug'] as const;

export const LogsQuery = Type.Object({
  lines: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 200 })),
  level: Type.Optional(literals(['all', ...LOG_LEVELS, ''])),
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: 32_503_680_000, description: 'Unix seconds: only lines logged at or after it' })),
}, { additionalProperties: false });

export const RANGE_NAMES = ['1h', '6h', '24h', '7d', '30d'] as const;
export const RangeQuery = Type.Object({
  range: Type.Optional(literals(RANGE_NAMES, { default: '24h' })),
}, { additionalProperties: false });

const Uptime = Type.Object({
  percent: Nullable(Type.Number({ description: 'of the observed time; null when nothing was observed' })),
  observed_s: Type.Integer(),
});
const HealthStatus = literals(['healthy', 'degraded', 'unhealthy', 'unknown']);

export const HealthView = Type.Object({
  instance_id: Type.Integer(),
  status: InstanceStatus,
  health: Nullable(HealthStatus),
  last_check: Nullable(Type.Object({
    at: Type.String(), status: HealthStatus, response_time_ms: Nullable(Type.Number()), message: Nullable(Type.String()),
  })),
  uptime: Type.Object({ '24h': Uptime, '7d': Uptime, '30d': Uptime }),
  range: literals(RANGE_NAMES),
  bucket_s: Type.Integer({ description: 'the history\'s bucket size: the range in at most ~500 buckets' }),
  history: Type.Array(Type.Object({
    at: Type.String(), checks: Type.Integer(), healthy: Type.Integer(), unhealthy: Type.Integer(), unknown: Type.Integer(),
    avg_response_ms: Nullable(Type.Number()), max_response_ms: Nullable(Type.Number()),
  })),
  transitions: Type.Array(Type.Object({ at: Type.String(), from: Type.String(), to: Type.String(), reason: Type.String() })),
  alerts: Type.Array(AlertView, { description: 'the instance\'s firing alerts' }),
}, { description: 'health now and over the range: checks, uptime, status changes, firing alerts' });
export type HealthView = Static<typeof HealthView>;

const MetricUnit = literals(['count', 'bytes', 'percent', 'ratio', 'per_second', 'bytes_per_second', 'ms', 'seconds']);

export const MetricsView = Type.Object({
  instance_id: Type.Integer(),
  engine: Type.String(),
  range: literals(RANGE_NAMES),
  source: literals(['raw', '5m', '1h'], { description: 'raw samples (kept 24 h), or 5-minute or hourly rollups with the raw samples since the latest one' }),
  bucket_s: Type.Integer({ description: 'the width of one point: the range in at most ~500 points' }),
  current: Nullable(Type.Object({
    at: Type.String(),
    figures: Type.Record(Type.String(), Type.Number(), { description: 'every figure of the latest sample by name; rates per second, never raw counters' }),
    units: Type.Record(Type.String(), MetricUnit),
    engine_error: Nullable(Type.String({ description: 'why the engine\'s own figures are missing from it' })),
  }, { description: 'the latest sample since the module started; null before the first' })),
  series: Type.Array(Type.Object({
    metric: Type.String(),
    unit: MetricUnit,
    description: Type.String(),
    points: Type.Array(Type.Object({ at: Type.String(), avg: Type.Number(), max: Type.Number() })),
  })),
}, { description: 'the current sample and each figure\'s series over the range, with units' });

export const LogsView = Type.Object({
  entries: Type.Array(Type.Object({
    timestamp: Nullable(Type.String()),
    level: literals(LOG_LEVELS),
    stream: literals(['stdout', 'stderr']),
    message: Type.String(),
  })),
}, { description: 'the container\'s log lines, each with the level parsed per engine (none for an embedded instance)' });

export const StatsView = Type.Object({
  container_name: Type.String(),
  cpu_percent: Type.Number(),
  memory_used_mb: Type.Number(),
  memory_limit_mb: Type.Number(),
  memory_percent: Type.Number(),
  mem_usage: Type.String(),
  mem_percent: Type.String(),
  net_io: Type.Object({ rx_bytes: Type.Number(), tx_bytes: Type.Number() }),
  block_io: Type.Object({ read_bytes: Type.Number(), write_bytes: Type.Number() }),
  pids: Type.Integer(),
}, { description: 'Podman stats of the instance\'s container, read now' });

const PortBinding = Type.Object({
  containerPort: Type.Integer(), hostPort: Type.Integer(), hostIp: Type.String(), protocol: Type.Optional(literals(['tcp', 'udp'])),
});
const Ulimit = Type.Object({ name: literals(['nofile', 'nproc', 'memlock']), soft: Type.Number(), hard: Type.Number() });

export const InspectView = Type.Object({
  container: Type.Object({
    id: Type.String(),
    name: Type.String(),
    image: Type.String(),
    created: Type.String(),
    labels: Type.Record(Type.String(), Type.String()),
    state: Type.Object({
      status: literals(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead', 'unknown']),
      running: Type.Boolean(),
      exitCode: Nullable(Type.Integer()),
      startedAt: Nullable(Type.String()),
      finishedAt: Nullable(Type.String()),
      oomKilled: Type.Boolean(),
      error: Type.Optional(Type.String()),
    }),
    env_names: Type.Array(Type.String(), { description: 'names only: values never leave the module' }),
    network: Type.Object({
      ports: Type.Array(PortBinding),
      networks: Type.Record(Type.String(), Type.Object({ ipAddress: Type.String() })),
    }),
    mounts: Type.Array(Type.Object({ source: Type.String(), target: Type.String(), readOnly: Type.Boolean() })),
    host_config: Type.Object({
      memoryBytes: Type.Number(),
      nanoCpus: Type.Number(),
      cpuShares: Type.Number(),
      memorySwapBytes: Type.Number(),
      memorySwappiness: Nullable(Type.Number()),
      oomScoreAdj: Type.Number(),
      pidsLimit: Type.Number(),
      capAdd: Type.Array(Type.String()),
      capDrop: Type.Array(Type.String()),
      securityOpt: Type.Array(Type.String()),
      readOnlyRootfs: Type.Boolean(),
      privileged: Type.Boolean(),
      networkMode: Type.String(),
      pidMode: Type.String(),
      restartPolicy: Type.String(),
      ulimits: Type.Array(Ulimit),
    }),
  }),
  limits_enforced: LimitsEnforced,
}, { description: 'container facts and what the host enforces; no environment values' });

export type LogsQuery = Static<typeof LogsQuery>;
export type MetricsView = Static<typeof MetricsView>;
export type LogsView = Static<typeof LogsView>;
export type StatsView = Static<typeof StatsView>;
export type InspectView = Static<typeof InspectView>;
