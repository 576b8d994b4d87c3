-- Reverses 001_initial.sql: children first. Indexes go with their tables.
DROP TABLE IF EXISTS "620600_databases_health_history";
DROP TABLE IF EXISTS "620600_databases_metrics";
DROP TABLE IF EXISTS "620600_databases_backups";
DROP TABLE IF EXISTS "620600_databases_snapshots";
DROP TABLE IF EXISTS "620600_databases_databases";
DROP TABLE IF EXISTS "620600_databases_users";
DROP TABLE IF EXISTS "620600_databases_credentials";
DROP TABLE IF EXISTS "620600_databases_instances";
