ALTER TABLE "620600_databases_backups" DROP COLUMN IF EXISTS duration_ms;
ALTER TABLE "620600_databases_backups" DROP COLUMN IF EXISTS tool;
DELETE FROM "620600_databases_backups" WHERE backup_type NOT IN ('manual','scheduled','export','pre_restore');
ALTER TABLE "620600_databases_backups" DROP CONSTRAINT IF EXISTS "620600_databases_backups_backup_type_check";
ALTER TABLE "620600_databases_backups" ADD CONSTRAINT "620600_databases_backups_backup_type_check"
  CHECK (backup_type IN ('manual','scheduled','export','pre_restore'));

DROP INDEX IF EXISTS "620600_databases_snapshots_status_idx";
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS verify_message;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS verified_at;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS verify_status;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS duration_ms;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS finished_at;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS started_at;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS error_message;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS figures;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS key_id;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS stored_bytes;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS sha256;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS format;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS tool;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS engine_version;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS engine;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS kind;
ALTER TABLE "620600_databases_snapshots" DROP COLUMN IF EXISTS status;

ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS backup_policy;
UPDATE "620600_databases_instances" SET status = 'failed', status_message = 'restore interrupted by a schema downgrade' WHERE status = 'restoring';
ALTER TABLE "620600_databases_instances" DROP CONSTRAINT IF EXISTS "620600_databases_instances_status_check";
ALTER TABLE "620600_databases_instances" ADD CONSTRAINT "620600_databases_instances_status_check"
  CHECK (status IN ('creating','starting','running','stopping','stopped','restarting',
                    'deleting','failed','missing','degraded','unhealthy'));
