import { Type, type Static } from 'typebox';
import { ENGINE_IDS, type EngineCategory } from '../../services/adapters/types.js';
import type { CgroupVersion as CgroupVersionName } from '../../services/host/host-probe.js';
import type { CheckStatus } from '../../services/host/system-report.js';
import { ErrorBody, Nullable } from './common.js';

/** One value per member; `satisfies Record<…, 1>` keeps a list equal to its TypeScript union. */
const oneOf = <K extends string>(values: Record<K, 1>) => Type.Enum(Object.keys(values) as K[]);

const CheckLevel = oneOf({ ok: 1, warn: 1, fail: 1 } satisfies Record<CheckStatus, 1>);
const CgroupVersion = oneOf({ v2: 1, hybrid: 1, v1: 1 } satisfies Record<CgroupVersionName, 1>);

export const StatusView = Type.Object({
  status: Type.Literal('ok'),
  message: Type.String(),
  module: Type.Object({ id: Type.String(), name: Type.String(), display_name: Type.String(), version: Type.String() }),
  podman: Type.Object({ installed: Type.Boolean(), version: Nullable(Type.String()), socket: Type.String(), reachable: Type.Boolean() }),
}, { description: 'the module runs; Podman as found now' });

export const SystemInfo = Type.Object({
  cpu: Type.Object({ model: Type.String(), count: Type.Integer() }),
  cpu_count: Type.Integer(),
  memory: Type.Object({ total_mb: Type.Number(), available_mb: Type.Number() }),
  disk: Type.Object({
    path: Type.String(), total_bytes: Type.Number(), free_bytes: Type.Number(), total_gb: Type.Number(), free_gb: Type.Number(),
  }),
  load_average: Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }),
  kernel: Type.String(),
  platform: Type.String(),
}, { description: 'the host\'s CPU, memory, data-dir disk and load, read now' });

export const RequirementsView = Type.Object({
  verdict: CheckLevel,
  checks: Type.Array(Type.Object({
    id: Type.String(), title: Type.String(), status: CheckLevel, value: Type.String(), message: Type.String(), fix: Nullable(Type.String()),
  })),
  podman_installed: Type.Boolean(),
  podman_version: Nullable(Type.String()),
  disk_available_gb: Type.Number(),
  requirements_met: Type.Boolean(),
}, { description: 'each requirement with ok/warn/fail and a fix; the verdict is the worst' });

const Issue = Type.Object({ id: Type.String(), severity: oneOf({ warn: 1, fail: 1 }), message: Type.String(), fix: Type.String() });

const InstallStatus = Type.Object({
  id: Type.String(),
  state: oneOf({ running: 1, succeeded: 1, failed: 1 }),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  steps: Type.Array(Type.Object({
    name: Type.String(), status: oneOf({ ok: 1, warn: 1, fail: 1, skipped: 1, running: 1, pending: 1 }), message: Type.String(),
  })),
  logTail: Type.Array(Type.String()),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});

export const PodmanStatusView = Type.Object({
  installed: Type.Boolean(),
  version: Nullable(Type.String()),
  socket: Type.String(),
  reachable: Type.Boolean(),
  rootless: Type.Boolean(),
  ociRuntime: Nullable(Type.String()),
  cgroupVersion: CgroupVersion,
  issues: Type.Array(Issue),
  install: Nullable(InstallStatus),
}, { description: 'Podman, its socket, runtime, cgroups, known issues and the install job' });

export const InstallAccepted = Type.Object({
  job_id: Type.String(), status_url: Type.String(), install: InstallStatus,
}, { description: 'the install runs in the background; GET /podman/status shows it' });

/** 409 of POST /podman/install: the shared error body plus the commands an operator runs as root. */
export const InstallRefused = Type.Object({ ...ErrorBody.properties, commands: Type.Array(Type.String()) },
  { description: 'the module may not install (no root, no passwordless sudo): run these commands as root (CONFLICT)' });

const Category = oneOf({
  relational: 1, document: 1, key_value: 1, wide_column: 1, time_series: 1, search: 1, graph: 1, analytical: 1, embedded: 1,
} satisfies Record<EngineCategory, 1>);

export const EngineView = Type.Object({
  engine: Type.Enum(ENGINE_IDS),
  display_name: Type.String(),
  description: Type.String(),
  category: Category,
  default_image: Type.String(),
  default_version: Type.String(),
  image: Type.String(),
  versions: Type.Array(Type.String()),
  default_port: Nullable(Type.Integer()),
  ports: Type.Array(Type.Object({ name: Type.String(), container_port: Type.Integer(), primary: Type.Boolean() })),
  supports_databases: Type.Boolean(),
  supports_users: Type.Boolean(),
  supports_backup: Type.Boolean(),
  supports_restore: Type.Boolean(),
  // Optional in the type only (clients built before it stay valid); every engine carries it.
  supports_clone: Type.Optional(Type.Boolean({ description: 'POST /databases/{id}/clone: a new instance from a snapshot (needs backup and restore)' })),
  supports_metrics: Type.Boolean(),
  supports_browse: Type.Boolean({ description: 'the data browser: GET /databases/{id}/tables, …/schema, …/data' }),
  supports_tls: Type.Boolean(),
  is_embedded: Type.Boolean(),
  has_authentication: Type.Boolean(),
  unsupported: Type.Record(Type.String(), Type.String(), { description: 'operation -> why the engine cannot offer it' }),
  min_memory_mb: Type.Integer(),
  min_cpus: Type.Number(),
  fixed_username: Nullable(Type.String()),
});
export const EngineList = Type.Array(EngineView, { description: 'the 25 engines' });

const Resources = Type.Object({ memory_mb: Type.Integer(), cpus: Type.Number(), storage_gb: Type.Integer() });
const Series = oneOf({ B: 1, D: 1, E: 1, F: 1, custom: 1 });

export const SkuTable = Type.Object({
  default: Type.String(),
  skus: Type.Array(Type.Object({
    id: Type.String(), name: Type.String(), series: Series, cpus: Type.Number(), memory_mb: Type.Integer(), storage_gb: Type.Integer(),
    recommended: Type.Boolean(),
  })),
  series: Type.Array(Type.Object({
    series: Series,
    title: Type.String(),
    frontend_series: oneOf({ burstable: 1, general: 1, memory: 1, compute: 1, custom: 1 }),
    use_case: Type.String(),
    podman: Type.Object({
      cpuShares: Type.Optional(Type.Integer()), memorySwappiness: Type.Optional(Type.Integer()),
      oomScoreAdj: Type.Optional(Type.Integer()), memorySwapEqualsMemory: Type.Optional(Type.Boolean()),
    }),
    podman_flags: Type.Array(Type.String()),
  })),
  custom: Type.Object({ min: Resources, max: Resources }),
  storage_note: Type.String(),
}, { description: 'the SKU table and each series\' Podman behaviour' });

export type StatusView = Static<typeof StatusView>;
export type SystemInfo = Static<typeof SystemInfo>;
export type RequirementsView = Static<typeof RequirementsView>;
export type PodmanStatusView = Static<typeof PodmanStatusView>;
export type InstallAccepted = Static<typeof InstallAccepted>;
export type InstallRefused = Static<typeof InstallRefused>;
export type EngineView = Static<typeof EngineView>;
export type SkuTable = Static<typeof SkuTable>;
