-- The audit trail: every write action, through a route or by the module itself. No foreign key to
-- the instance: a record outlives the instance it is about (its delete is recorded too). Secrets
-- are never written here; `params` holds what was asked with passwords, keys, certificates and
-- tokens removed before the insert.
CREATE TABLE "620600_databases_audit" (
  id           BIGSERIAL PRIMARY KEY,
  at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- The token or session a route was called with (as the host names it), or 'system'.
  actor        TEXT NOT NULL,
  -- 'api' for a route, 'system' for the module's own work (scheduler, reconciler, alerts).
  source       TEXT NOT NULL CHECK (source IN ('api', 'system')),
  action       TEXT NOT NULL,
  instance_id  INTEGER,
  params       JSONB NOT NULL DEFAULT '{}'::jsonb,
  outcome      TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  -- The HTTP status of a route's answer; for the module's own failed actions, their error's status.
  status       INTEGER,
  error_code   TEXT,
  -- The caller's address (a route), and its method and route pattern.
  address      TEXT,
  method       TEXT,
  route        TEXT,
  request_id   TEXT
);
CREATE INDEX "620600_databases_audit_at_idx" ON "620600_databases_audit" (at DESC, id DESC);
CREATE INDEX "620600_databases_audit_instance_idx" ON "620600_databases_audit" (instance_id, at DESC);
CREATE INDEX "620600_databases_audit_action_idx" ON "620600_databases_audit" (action, at DESC);
