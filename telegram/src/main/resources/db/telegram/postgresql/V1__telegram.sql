-- The Telegram channel's tables. Times are epoch milliseconds.

-- Every update received, stored before the polling offset moves past it; handled_at is set once
-- the chat flow has taken it. The key deduplicates a redelivered update.
CREATE TABLE telegram_updates (
  bot_id      BIGINT NOT NULL,
  update_id   BIGINT NOT NULL,
  chat_key    TEXT,                       -- the chat ("12345", or "12345:7" in a forum topic), if any
  payload     TEXT    NOT NULL,           -- the update as Telegram sent it (JSON)
  received_at BIGINT NOT NULL,
  handled_at  BIGINT,
  PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX telegram_updates_unhandled ON telegram_updates (bot_id, update_id) WHERE handled_at IS NULL;

-- The next getUpdates offset per bot: every update below it is stored.
CREATE TABLE telegram_offsets (
  bot_id         BIGINT PRIMARY KEY,
  next_update_id BIGINT NOT NULL
);

-- When a stranger was last told that the bot is private (they are told at most once a day).
CREATE TABLE telegram_strangers (
  user_id    BIGINT PRIMARY KEY,
  refused_at BIGINT NOT NULL
);
