-- 督办通 on PostgreSQL: the stored obligations as rows, one per year and plan (a province's 1.6M
-- records do not fit in one document, and a fulfilment changes one list). The document keeps each
-- list's place and version (state-rows.ts). A document written before this
-- migration still carries its lists inline: it is read whole, and its next write moves them here.
CREATE TABLE IF NOT EXISTS duban_obligations (
  year text NOT NULL,
  plan_id text NOT NULL,
  records jsonb NOT NULL,
  -- changes with every write of the list (a write need not append to the ledger)
  version bigint NOT NULL,
  PRIMARY KEY (year, plan_id)
);
CREATE SEQUENCE IF NOT EXISTS duban_obligation_versions;
