-- Lifecycle facts that must survive a crash of the module.
-- delete_keep_data: a delete's keep_data choice, so the reconciler finishes an interrupted delete
--   the way the operator asked (NULL while no delete was requested).
-- first_start_done: the adapter's one-time steps (Cassandra's role bootstrap, MSSQL's database,
--   H2's admin password) ran to the end; an instance that already ran counts as done.
ALTER TABLE "620600_databases_instances" ADD COLUMN delete_keep_data BOOLEAN;
ALTER TABLE "620600_databases_instances" ADD COLUMN first_start_done BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE "620600_databases_instances" SET first_start_done = TRUE WHERE started_at IS NOT NULL;
