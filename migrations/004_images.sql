-- Image pulls of a create.
-- image_digest: manifest digest of the image the instance's container was created from (the pulled
--   one, or the local image's own when it was already present); NULL for embedded engines and for
--   instances created before this migration.
-- pull_progress: the create's pull as the API shows it (state, layers and bytes done, percent,
--   and the coded reason when it failed); NULL when no pull was needed.
ALTER TABLE "620600_databases_instances" ADD COLUMN image_digest TEXT;
ALTER TABLE "620600_databases_instances" ADD COLUMN pull_progress JSONB;
