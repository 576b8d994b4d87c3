-- Accounts inside the engines: what each user the module created may do, and the grace periods
-- of rotations that keep the old password working for a while (dropped by a background job,
-- which finds them here again after a module restart).
ALTER TABLE "620600_databases_users" ADD COLUMN role TEXT NOT NULL DEFAULT 'readonly' CHECK (role IN ('admin', 'readwrite', 'readonly'));
ALTER TABLE "620600_databases_users" ADD COLUMN databases JSONB NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE "620600_databases_users" ADD COLUMN key_patterns JSONB NOT NULL DEFAULT '[]'::jsonb;

CREATE TABLE "620600_databases_password_grace" (
  id           SERIAL PRIMARY KEY,
  instance_id  INTEGER NOT NULL REFERENCES "620600_databases_instances"(id) ON DELETE CASCADE,
  -- The user whose old password still works; the instance's admin is `admin` = true.
  username     TEXT NOT NULL,
  admin        BOOLEAN NOT NULL,
  drop_at      TIMESTAMPTZ NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (instance_id, username)
);
CREATE INDEX "620600_databases_password_grace_due_idx" ON "620600_databases_password_grace" (drop_at);
