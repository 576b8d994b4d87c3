import { Type, type Static } from 'typebox';
import { MAX_INSTANCE_NAME, PATTERNS } from '../../services/instances/request.js';
import { EngineId, ID_PATTERN, InstanceId, literals, Nullable } from './common.js';
import { InstanceView } from './instances.js';

export const SnapshotParams = Type.Object(
  { id: InstanceId, sid: Type.String({ pattern: ID_PATTERN, description: 'snapshot id' }) },
  { additionalProperties: false },
);

const Timestamp = Nullable(Type.String({ format: 'date-time' }));
const Counts = Type.Record(Type.String(), Type.Integer(), { description: 'object name -> rows or keys, as the engine counted them' });

export const SnapshotView = Type.Object({
  id: Type.Integer(),
  instance_id: Type.Integer(),
  status: literals(['running', 'completed', 'failed'] as const, { description: 'completed only when the tool exited 0, the stream ended cleanly and the file was synced' }),
  kind: literals(['manual', 'scheduled', 'pre_restore', 'export', 'import'] as const, { description: 'what made it: a request, the policy, the safety snapshot of a restore, an export, an upload' }),
  engine: Nullable(EngineId),
  engine_version: Nullable(Type.String()),
  tool: Nullable(Type.String({ description: 'the native tool, e.g. pg_dump -Fc' })),
  format: Nullable(Type.String()),
  size_bytes: Type.Integer({ description: 'bytes of the plain dump; while running, the bytes so far' }),
  stored_bytes: Nullable(Type.Integer({ description: 'bytes of the encrypted file on disk' })),
  sha256: Nullable(Type.String({ description: 'SHA-256 of the plain dump (what the export holds)' })),
  figures: Nullable(Type.Object({ low: Counts, high: Counts }, { description: 'the engine\'s counts at backup time: equal when taken in the dump\'s own snapshot, else before and after it' })),
  error_message: Nullable(Type.String({ description: 'why it failed: the tool\'s last stderr line, a full disk, a cancel' })),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Timestamp,
  finished_at: Timestamp,
  duration_ms: Nullable(Type.Integer()),
  drill: Type.Object({
    status: Nullable(literals(['passed', 'failed'] as const)),
    at: Timestamp,
    message: Nullable(Type.String()),
  }, { description: 'the last restore drill of this snapshot; a failed one never counts as good' }),
});
export type SnapshotView = Static<typeof SnapshotView>;

export const SnapshotList = Type.Object({ snapshots: Type.Array(SnapshotView) });
export const SnapshotAccepted = Type.Object({ message: Type.String(), snapshot: SnapshotView });

export const OperationView = Type.Object({
  id: Type.Integer(),
  type: literals(['manual', 'scheduled', 'export', 'pre_restore', 'restore', 'import', 'clone', 'drill'] as const),
  status: literals(['pending', 'running', 'completed', 'failed'] as const),
  snapshot_id: Nullable(Type.Integer()),
  tool: Nullable(Type.String()),
  error_message: Nullable(Type.String()),
  started_at: Timestamp,
  finished_at: Timestamp,
  duration_ms: Nullable(Type.Integer()),
});
export const OperationList = Type.Object({ operations: Type.Array(OperationView) });
export type OperationView = Static<typeof OperationView>;

export const CloneBody = Type.Object({
  name: Type.String({ pattern: PATTERNS.instanceName, minLength: 1, maxLength: MAX_INSTANCE_NAME }),
  sku: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,10}$' })),
  snapshot_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'default: the latest completed manual or scheduled snapshot' })),
}, { additionalProperties: false });
export type CloneBody = Static<typeof CloneBody>;
export const CloneAccepted = Type.Object({ message: Type.String(), snapshot_id: Type.Integer(), instance: InstanceView });

export const ExportQuery = Type.Object({
  snapshot_id: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'default: the latest completed manual or scheduled snapshot (one is taken when there is none)' })),
}, { additionalProperties: false });

const Keep = (what: string) => Type.Integer({ minimum: 0, maximum: 1000, description: what });
export const BackupPolicyBody = Type.Object({
  schedule: Type.String({ minLength: 9, maxLength: 120, description: 'cron expression, 5 or 6 fields (croner), e.g. "0 3 * * *"' }),
  keep_last: Keep('the newest N snapshots'),
  keep_daily: Keep('the newest snapshot of each of the last N days that have one (UTC)'),
  keep_weekly: Keep('the newest snapshot of each of the last N ISO weeks that have one'),
  keep_monthly: Keep('the newest snapshot of each of the last N months that have one'),
  verify: Type.Boolean({ description: 'run a restore drill on each scheduled snapshot' }),
}, { additionalProperties: false });
export type BackupPolicyBody = Static<typeof BackupPolicyBody>;
export const BackupPolicyAnswer = Type.Object({ policy: Nullable(BackupPolicyBody), next_run_at: Timestamp });

/** The export: a zip, described for the OpenAPI document (the body is binary, streamed). */
export const ExportZip = Type.String({ contentMediaType: 'application/zip', description: 'zip: dump<ext>, manifest.json, README.txt' });

export type SnapshotParams = Static<typeof SnapshotParams>;
