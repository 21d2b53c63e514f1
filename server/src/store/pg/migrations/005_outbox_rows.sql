-- 督办通 on PostgreSQL: the outbox a row per message (a province's day enqueues 30,000, ~73 MB of
-- JSON; as one member of the state, every group of results the dispatcher records rewrote them all).
-- `ord` keeps the state's order; status and the claim (locked_by, locked_at) are columns too, for
-- an operator's queries (the row's value is what the state reads).
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
