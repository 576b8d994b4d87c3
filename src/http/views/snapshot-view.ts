import type { OperationRow, SnapshotRow } from '../../db/repositories/snapshots.js';
import type { OperationView, SnapshotView } from '../schemas/backups.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const int = (v: string | number | null) => (v === null ? null : Number(v));

/** A snapshot row as the API shows it (the path stays inside the module). */
export function snapshotView(s: SnapshotRow): SnapshotView {
  return {
    id: s.id, instance_id: s.instance_id, status: s.status, kind: s.kind,
    engine: s.engine as SnapshotView['engine'], engine_version: s.engine_version, tool: s.tool, format: s.format,
    size_bytes: Number(s.size_bytes), stored_bytes: int(s.stored_bytes), sha256: s.sha256, figures: s.figures,
    error_message: s.error_message, created_at: iso(s.created_at)!, started_at: iso(s.started_at), finished_at: iso(s.finished_at),
    duration_ms: s.duration_ms, drill: { status: s.verify_status, at: iso(s.verified_at), message: s.verify_message },
  };
}

export function operationView(o: OperationRow): OperationView {
  return {
    id: o.id, type: o.backup_type, status: o.status, snapshot_id: o.snapshot_id, tool: o.tool, error_message: o.error_message,
    started_at: iso(o.started_at), finished_at: iso(o.finished_at), duration_ms: o.duration_ms,
  };
}
