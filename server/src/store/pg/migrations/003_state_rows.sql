-- 督办通 on PostgreSQL: the state as rows (state-rows.ts). A province's state does not fit in one
-- document (1.6M obligation records, 30,000 messages a day), and a write changes little of it:
-- only the rows that changed are written. `duban_state` keeps the seq and, in its document, the
-- layout: each row's version (one sequence: a new version at each write of a row). A document
-- written before this migration holds the state inline: it is read whole, and its next write
-- moves it here.

-- each top-level member of the state, but the obligations and the outbox
CREATE TABLE IF NOT EXISTS duban_state_parts (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  version bigint NOT NULL
);

-- the stored obligations, one row per year and plan (as the state keeps its lists)
CREATE TABLE IF NOT EXISTS duban_obligations (
  year text NOT NULL,
  plan_id text NOT NULL,
  records jsonb NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (year, plan_id)
);

-- the outbox, one row per message: `ord` keeps the state's order; status and the claim
-- (locked_by, locked_at) are columns too, for an operator's queries (the value is what the state reads)
CREATE TABLE IF NOT EXISTS duban_outbox (
  key text PRIMARY KEY,
  ord bigint NOT NULL,
  value jsonb NOT NULL,
  version bigint NOT NULL,
  status text NOT NULL,
  locked_by text,
  locked_at timestamptz
);
CREATE INDEX IF NOT EXISTS duban_outbox_claimed ON duban_outbox (status, locked_at) WHERE status = 'claimed';

CREATE SEQUENCE IF NOT EXISTS duban_state_versions;
