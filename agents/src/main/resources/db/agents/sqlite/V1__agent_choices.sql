-- The agent profile each chat session chose with /agent (absent = the configured default).
CREATE TABLE agent_choices (
  session_key TEXT PRIMARY KEY,
  profile     TEXT NOT NULL,
  chosen_at   BIGINT NOT NULL -- epoch milliseconds
);
