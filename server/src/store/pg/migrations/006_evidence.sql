-- 督办通 on several instances: evidence files (佐证材料) where every instance reads them.
-- Content-addressed (sha256), stored in chunks of at most 256 KB so no file is ever whole in
-- memory; a file is visible once its row in duban_evidence_files is there (written last).
CREATE TABLE IF NOT EXISTS duban_evidence_chunks (
  sha256 text NOT NULL,
  n int NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (sha256, n)
);
CREATE TABLE IF NOT EXISTS duban_evidence_files (
  sha256 text PRIMARY KEY,
  size bigint NOT NULL,
  chunks int NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
