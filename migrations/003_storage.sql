-- Volume usage of each instance, measured by the module (du of containers/<container_name>):
-- storage_limit_gb is watched, not enforced, on a filesystem without quotas.
-- storage_used_bytes / storage_checked_at: the last measurement (NULL until the first).
-- storage_alert: the level last logged (ok, warning at 80 %, critical at 95 %), so a crossing is
--   logged once, also across restarts of the module.
ALTER TABLE "620600_databases_instances" ADD COLUMN storage_used_bytes BIGINT CHECK (storage_used_bytes IS NULL OR storage_used_bytes >= 0);
ALTER TABLE "620600_databases_instances" ADD COLUMN storage_checked_at TIMESTAMPTZ;
ALTER TABLE "620600_databases_instances" ADD COLUMN storage_alert TEXT CHECK (storage_alert IS NULL OR storage_alert IN ('ok','warning','critical'));
