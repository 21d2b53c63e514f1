-- 督办通 on several instances: every write of the state takes a new version (from the rows'
-- sequence), and a write is conditional on the version the writer last saw. The ledger seq was
-- the condition before, but a write without events (a bot conversation's context, a claim taken
-- back) leaves it where it was: two such writes at once both passed, and the second undid the first.
ALTER TABLE duban_state ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0;

-- the dispatcher's claim (FOR UPDATE SKIP LOCKED): the pending rows in their order
CREATE INDEX IF NOT EXISTS duban_outbox_pending ON duban_outbox (ord) WHERE status = 'pending';
-- a reader's question "did any message change since I last read?" (a claim moves only its rows)
CREATE INDEX IF NOT EXISTS duban_outbox_version ON duban_outbox (version);

-- claims are made without the state's lock: they count here, so a reader knows when to look at
-- the messages again although the state's version did not move
CREATE TABLE IF NOT EXISTS duban_outbox_claims (
  id int PRIMARY KEY CHECK (id = 1),
  n bigint NOT NULL
);
INSERT INTO duban_outbox_claims (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
