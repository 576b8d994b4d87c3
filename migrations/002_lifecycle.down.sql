ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS first_start_done;
ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS delete_keep_data;
