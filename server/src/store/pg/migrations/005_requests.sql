-- 督办通: a creating request is carried out once. Its key (the person's Idempotency-Key, or the
-- hash of an identical body within a short window) is claimed here by whichever instance gets it
-- first; the answer is kept so a repeat, on any instance, gets the same answer.
CREATE TABLE IF NOT EXISTS duban_requests (
  key text PRIMARY KEY,
  fingerprint text NOT NULL,
  expires timestamptz NOT NULL,
  status int,
  body text
);
CREATE INDEX IF NOT EXISTS duban_requests_expires ON duban_requests (expires);
