DROP INDEX IF EXISTS "620600_databases_alerts_state_idx";
ALTER TABLE "620600_databases_alerts" DROP COLUMN IF EXISTS resolved_message;
