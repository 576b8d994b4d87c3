-- Alerts: why an alert resolved (its message stays why it fired), and the list's filters.
ALTER TABLE "620600_databases_alerts" ADD COLUMN resolved_message TEXT;
CREATE INDEX "620600_databases_alerts_state_idx" ON "620600_databases_alerts" (state, fired_at DESC);
