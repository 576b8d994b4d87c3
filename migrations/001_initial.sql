-- Databases module (620600): the 8 tables of the seed, PostgreSQL syntax (runs on pg and PGlite).
-- Names start with a digit, so every identifier is quoted.

CREATE TABLE "620600_databases_instances" (
  id               SERIAL PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  container_name   TEXT NOT NULL UNIQUE,
  container_id     TEXT,
  engine           TEXT NOT NULL,
  engine_version   TEXT NOT NULL,
  image            TEXT NOT NULL,
  database_name    TEXT NOT NULL,
  username         TEXT NOT NULL,
  host             TEXT NOT NULL DEFAULT '127.0.0.1',
  port             INTEGER UNIQUE CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
  status           TEXT NOT NULL DEFAULT 'creating'
                   CHECK (status IN ('creating','starting','running','stopping','stopped','restarting',
                                     'deleting','failed','missing','degraded','unhealthy')),
  status_message   TEXT,
  error_message    TEXT,
  progress         SMALLINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  sku              TEXT NOT NULL DEFAULT 'd2',
  cpu_limit        NUMERIC(6,2) NOT NULL,
  memory_limit_mb  INTEGER NOT NULL,
  storage_limit_gb INTEGER NOT NULL,
  -- What the host really enforces of the SKU (memory, cpu, swap, oom, storage): never claim more.
  limits_enforced  JSONB NOT NULL DEFAULT '{}'::jsonb,
  external_access  BOOLEAN NOT NULL DEFAULT FALSE,
  tls_enabled      BOOLEAN NOT NULL DEFAULT FALSE,
  tls_cert_path    TEXT,
  tls_key_path     TEXT,
  volume_path      TEXT,
  vnet_name        TEXT,
  vnet_subnet      TEXT,
  vnet_ip          TEXT,
  options          JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_health      TEXT,
  last_health_at   TIMESTAMPTZ,
  started_at       TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (vnet_name, vnet_ip)
);
CREATE INDEX "620600_databases_instances_engine_idx" ON "620600_databases_instances" (engine);
CREATE INDEX "620600_databases_instances_status_idx" ON "620600_databases_instances" (status);
CREATE INDEX "620600_databases_instances_created_idx" ON "620600_databases_instances" (created_at DESC);

-- Secrets are AES-256-GCM ciphertexts (iv, tag and data, base64); never plaintext.
CREATE TABLE "620600_databases_credentials" (
  id                 SERIAL PRIMARY KEY,
  instance_id        INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  kind               TEXT NOT NULL CHECK (kind IN ('admin','root','user','api_key','tls_key')),
  username           TEXT NOT NULL,
  secret_ciphertext  TEXT NOT NULL,
  key_id             TEXT NOT NULL,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  rotated_at         TIMESTAMPTZ,
  UNIQUE (instance_id, kind, username)
);

CREATE TABLE "620600_databases_users" (
  id             SERIAL PRIMARY KEY,
  instance_id    INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  username       TEXT NOT NULL,
  credential_id  INTEGER REFERENCES "620600_databases_credentials"(id) ON DELETE SET NULL,
  permissions    JSONB NOT NULL DEFAULT '[]'::jsonb,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (instance_id, username)
);

CREATE TABLE "620600_databases_databases" (
  id           SERIAL PRIMARY KEY,
  instance_id  INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  owner        TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (instance_id, name)
);

CREATE TABLE "620600_databases_snapshots" (
  id           SERIAL PRIMARY KEY,
  instance_id  INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  path         TEXT NOT NULL,
  size_bytes   BIGINT NOT NULL DEFAULT 0,
  notes        TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX "620600_databases_snapshots_instance_idx" ON "620600_databases_snapshots" (instance_id, created_at DESC);

CREATE TABLE "620600_databases_backups" (
  id             SERIAL PRIMARY KEY,
  instance_id    INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  snapshot_id    INTEGER REFERENCES "620600_databases_snapshots"(id) ON DELETE SET NULL,
  backup_type    TEXT NOT NULL DEFAULT 'manual' CHECK (backup_type IN ('manual','scheduled','export','pre_restore')),
  format         TEXT NOT NULL DEFAULT 'logical',
  path           TEXT,
  size_bytes     BIGINT NOT NULL DEFAULT 0,
  status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','completed','failed')),
  error_message  TEXT,
  notes          TEXT,
  started_at     TIMESTAMPTZ,
  finished_at    TIMESTAMPTZ,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX "620600_databases_backups_instance_idx" ON "620600_databases_backups" (instance_id, created_at DESC);
CREATE INDEX "620600_databases_backups_retention_idx" ON "620600_databases_backups" (backup_type, created_at);

CREATE TABLE "620600_databases_metrics" (
  id               BIGSERIAL PRIMARY KEY,
  instance_id      INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  collected_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  cpu_percent      DOUBLE PRECISION,
  memory_used_mb   DOUBLE PRECISION,
  memory_limit_mb  DOUBLE PRECISION,
  memory_percent   DOUBLE PRECISION,
  connections      INTEGER,
  active_queries   INTEGER,
  queries_per_sec  DOUBLE PRECISION,
  cache_hit_ratio  DOUBLE PRECISION CHECK (cache_hit_ratio IS NULL OR cache_hit_ratio BETWEEN 0 AND 1),
  uptime_seconds   BIGINT,
  storage_used_mb  DOUBLE PRECISION,
  custom           JSONB NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX "620600_databases_metrics_instance_time_idx" ON "620600_databases_metrics" (instance_id, collected_at DESC);
CREATE INDEX "620600_databases_metrics_time_idx" ON "620600_databases_metrics" (collected_at);

CREATE TABLE "620600_databases_health_history" (
  id                BIGSERIAL PRIMARY KEY,
  instance_id       INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  checked_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  status            TEXT NOT NULL CHECK (status IN ('healthy','degraded','unhealthy','unknown')),
  response_time_ms  DOUBLE PRECISION,
  message           TEXT,
  details           JSONB NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX "620600_databases_health_instance_time_idx" ON "620600_databases_health_history" (instance_id, checked_at DESC);
CREATE INDEX "620600_databases_health_time_idx" ON "620600_databases_health_history" (checked_at);
