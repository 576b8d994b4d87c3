-- Monitoring: status transitions, metric rollups, alerts and per-instance alert rules.

-- Every change of an instance's status made by health checks (and the event stream), with why.
CREATE TABLE "620600_databases_status_events" (
  id           BIGSERIAL PRIMARY KEY,
  instance_id  INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  from_status  TEXT NOT NULL,
  to_status    TEXT NOT NULL,
  reason       TEXT NOT NULL
);
CREATE INDEX "620600_databases_status_events_instance_idx" ON "620600_databases_status_events" (instance_id, at DESC);

-- Downsampled history: 5-minute buckets kept 7 days, hourly buckets for the retention setting.
CREATE TABLE "620600_databases_metric_rollups" (
  instance_id  INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  resolution   TEXT NOT NULL CHECK (resolution IN ('5m', '1h')),
  bucket       TIMESTAMPTZ NOT NULL,
  metric       TEXT NOT NULL,
  avg          DOUBLE PRECISION NOT NULL,
  max          DOUBLE PRECISION NOT NULL,
  samples      INTEGER NOT NULL,
  PRIMARY KEY (instance_id, resolution, metric, bucket)
);
CREATE INDEX "620600_databases_metric_rollups_time_idx" ON "620600_databases_metric_rollups" (resolution, bucket);

CREATE TABLE "620600_databases_alerts" (
  id            BIGSERIAL PRIMARY KEY,
  instance_id   INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  rule          TEXT NOT NULL,
  severity      TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
  state         TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
  value         DOUBLE PRECISION,
  threshold     DOUBLE PRECISION,
  message       TEXT NOT NULL,
  fired_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  resolved_at   TIMESTAMPTZ,
  -- Webhook delivery of the latest change (fired or resolved).
  delivery      JSONB NOT NULL DEFAULT '{}'::jsonb
);
-- At most one firing alert per instance and rule.
CREATE UNIQUE INDEX "620600_databases_alerts_firing_idx" ON "620600_databases_alerts" (instance_id, rule) WHERE state = 'firing';
CREATE INDEX "620600_databases_alerts_time_idx" ON "620600_databases_alerts" (fired_at DESC);

-- Per-instance overrides of the built-in alert rules: { "<rule>": { "enabled": bool, "threshold": n } }.
ALTER TABLE "620600_databases_instances" ADD COLUMN alert_rules JSONB NOT NULL DEFAULT '{}'::jsonb;
