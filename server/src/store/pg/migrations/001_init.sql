-- 督办通 on PostgreSQL: the state document and the ledger.
CREATE TABLE IF NOT EXISTS duban_state (
  id int PRIMARY KEY CHECK (id = 1),
  -- the whole state (shared/… State schema, versioned by its schemaVersion); ledger.unflushed is always empty here
  doc jsonb NOT NULL,
  -- the ledger seq this document reflects: every write is conditional on it (no lost update between instances)
  seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS duban_ledger (
  seq bigint PRIMARY KEY,
  hash char(64) NOT NULL UNIQUE,
  prev_hash char(64) NOT NULL,
  at timestamptz NOT NULL,
  type text NOT NULL,
  -- the event exactly as hashed (envelope and payload)
  event jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS duban_ledger_type ON duban_ledger (type, seq);
