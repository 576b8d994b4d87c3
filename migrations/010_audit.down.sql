DROP TABLE IF EXISTS "620600_databases_audit";
