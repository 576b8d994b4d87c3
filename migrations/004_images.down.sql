ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS pull_progress;
ALTER TABLE "620600_databases_instances" DROP COLUMN IF EXISTS image_digest;
