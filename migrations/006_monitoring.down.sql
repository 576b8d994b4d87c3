ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS alert_rules;
DROP TABLE IF EXISTS "620600_databases_alerts";
DROP TABLE IF EXISTS "620600_databases_metric_rollups";
DROP TABLE IF EXISTS "620600_databases_status_events";
