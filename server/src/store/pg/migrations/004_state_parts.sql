-- 督办通 on PostgreSQL: each top-level member of the state a row of its own (obligations stay one
-- row per year and plan). A write stores only the members that changed: a fulfilment no longer
-- sends a province's 28 MB of assignments along. `duban_state` keeps the seq and, in its
-- document, each row's version (state-rows.ts).
CREATE TABLE IF NOT EXISTS duban_state_parts (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  -- changes with every write of the member
  version bigint NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS duban_state_versions;
-- one sequence versions every row (members and obligation lists): 003's own is not used any more
DROP SEQUENCE IF EXISTS duban_obligation_versions;
