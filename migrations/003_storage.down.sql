ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS storage_alert;
ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS storage_checked_at;
ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS storage_used_bytes;
