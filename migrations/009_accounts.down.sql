DROP TABLE IF EXISTS "620600_databases_password_grace";
ALTER TABLE "620600_databases_users" DROP COLUMN IF EXISTS key_patterns;
ALTER TABLE "620600_databases_users" DROP COLUMN IF EXISTS databases;
ALTER TABLE "620600_databases_users" DROP COLUMN IF EXISTS role;
