-- 督办通 on several instances: what must happen once across all of them.
-- A bot message (by its msgId) is handled by the first instance to claim it: DingTalk redelivers
-- for about a minute and may deliver to any instance's Stream connection.
CREATE TABLE IF NOT EXISTS duban_once (
  key text PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS duban_once_at ON duban_once (at);
