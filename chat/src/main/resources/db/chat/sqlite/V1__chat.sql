-- The chat flow's tables. Times are epoch milliseconds; booleans are 0/1.

-- The transcript: every message received and sent, per session.
CREATE TABLE chat_messages (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  session_key         TEXT    NOT NULL,
  role                TEXT    NOT NULL,            -- user | assistant
  text                TEXT    NOT NULL,
  task_id             INTEGER,
  reply_to            INTEGER,                     -- transcript id of the user message answered
  at                  INTEGER NOT NULL,
  edited_at           INTEGER,
  status              INTEGER NOT NULL DEFAULT 0,  -- 1: a task's status message, edited in place
  status_open         INTEGER NOT NULL DEFAULT 0,  -- 1 while that task has not finished
  channel             TEXT,
  chat_id             TEXT,
  platform_message_id TEXT,                        -- the platform's id: as received, or as returned by send
  platform_text       TEXT                         -- what the platform shows (status messages: last edit sent)
);
CREATE INDEX chat_messages_session ON chat_messages (session_key, id);
CREATE UNIQUE INDEX chat_messages_task_status ON chat_messages (task_id) WHERE status = 1;
CREATE INDEX chat_messages_open ON chat_messages (status_open) WHERE status_open = 1;

-- Messages received, by the platform's id: a message seen again gets the same answer.
CREATE TABLE chat_inbox (
  session_key  TEXT    NOT NULL,
  message_id   TEXT    NOT NULL,
  user_entry   INTEGER NOT NULL,                   -- transcript id of the message
  answer_entry INTEGER,                            -- transcript id of what receive answered
  task_id      INTEGER,
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (session_key, message_id)
);

-- Messages to send to a platform; a row stays until the platform took it (or it is given up).
CREATE TABLE chat_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id        INTEGER NOT NULL,                -- the transcript entry whose text is sent
  channel         TEXT    NOT NULL,
  chat_id         TEXT    NOT NULL,
  reply_to        TEXT,                            -- platform id of the message this answers
  result_of       INTEGER UNIQUE,                  -- the task whose outcome this delivers: once per task
  state           TEXT    NOT NULL,                -- pending | sent | failed
  attempts        INTEGER NOT NULL DEFAULT 0,
  parts_sent      INTEGER NOT NULL DEFAULT 0,      -- parts of a long text already taken by the platform
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX chat_outbox_pending ON chat_outbox (state, id);

-- Where the chat service is in the lane's event stream, so a restart continues from there.
CREATE TABLE chat_cursors (
  name     TEXT    PRIMARY KEY,
  position INTEGER NOT NULL
);
