-- Backups: snapshots with what they are and how they were made, the log of backup operations,
-- a backup policy per instance, and the `restoring` status.

ALTER TABLE "620600_databases_instances" DROP CONSTRAINT IF EXISTS "620600_databases_instances_status_check";
ALTER TABLE "620600_databases_instances" ADD CONSTRAINT "620600_databases_instances_status_check"
  CHECK (status IN ('creating','starting','running','stopping','stopped','restarting',
                    'deleting','failed','missing','degraded','unhealthy','restoring'));
-- { "schedule": cron, "keep_last", "keep_daily", "keep_weekly", "keep_monthly", "verify" }; NULL: no policy.
ALTER TABLE "620600_databases_instances" ADD COLUMN backup_policy JSONB;

-- One row per snapshot, from the moment its dump starts. `size_bytes` grows while it runs (the
-- plain dump's bytes so far); `sha256` is the plain dump's; the file at `path` is encrypted.
ALTER TABLE "620600_databases_snapshots" ADD COLUMN status TEXT NOT NULL DEFAULT 'running'
  CHECK (status IN ('running','completed','failed'));
ALTER TABLE "620600_databases_snapshots" ADD COLUMN kind TEXT NOT NULL DEFAULT 'manual'
  CHECK (kind IN ('manual','scheduled','pre_restore','export','import'));
ALTER TABLE "620600_databases_snapshots" ADD COLUMN engine TEXT;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN engine_version TEXT;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN tool TEXT;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN format TEXT;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN sha256 TEXT;
-- Bytes of the encrypted file on disk, and the module key's id it was sealed with.
ALTER TABLE "620600_databases_snapshots" ADD COLUMN stored_bytes BIGINT;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN key_id TEXT;
-- The engine's own counts at backup time ({ "low": {...}, "high": {...} }), for restore drills.
ALTER TABLE "620600_databases_snapshots" ADD COLUMN figures JSONB;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN error_message TEXT;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN started_at TIMESTAMPTZ;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN finished_at TIMESTAMPTZ;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN duration_ms INTEGER;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN verify_status TEXT CHECK (verify_status IN ('passed','failed'));
ALTER TABLE "620600_databases_snapshots" ADD COLUMN verified_at TIMESTAMPTZ;
ALTER TABLE "620600_databases_snapshots" ADD COLUMN verify_message TEXT;
CREATE INDEX "620600_databases_snapshots_status_idx" ON "620600_databases_snapshots" (instance_id, status, created_at DESC);

-- The log of backup operations: each snapshot run, restore, import, clone and drill, with its outcome.
ALTER TABLE "620600_databases_backups" DROP CONSTRAINT IF EXISTS "620600_databases_backups_backup_type_check";
ALTER TABLE "620600_databases_backups" ADD CONSTRAINT "620600_databases_backups_backup_type_check"
  CHECK (backup_type IN ('manual','scheduled','export','pre_restore','restore','import','clone','drill'));
ALTER TABLE "620600_databases_backups" ADD COLUMN tool TEXT;
ALTER TABLE "620600_databases_backups" ADD COLUMN duration_ms INTEGER;
