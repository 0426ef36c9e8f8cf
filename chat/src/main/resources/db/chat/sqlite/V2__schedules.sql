-- Messages sent later or on a schedule (/later, /every), and each chat's time zone.
-- Times are epoch milliseconds.
CREATE TABLE chat_schedules (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_key TEXT    NOT NULL,
  channel     TEXT    NOT NULL,
  chat_id     TEXT    NOT NULL,
  sender      TEXT,                       -- who scheduled it: each occurrence is their message
  text        TEXT    NOT NULL,           -- the message sent at each occurrence
  cron        TEXT,                       -- five-field cron expression; NULL: once (/later)
  rule        TEXT    NOT NULL,           -- the time or rule as written, for /schedules
  time_zone   TEXT    NOT NULL,
  next_at     INTEGER,                     -- the next occurrence; NULL once done or canceled
  state       TEXT    NOT NULL,           -- active | done | canceled
  created_at  INTEGER  NOT NULL,
  last_run_at INTEGER
);
CREATE INDEX chat_schedules_due ON chat_schedules (next_at) WHERE state = 'active';
CREATE INDEX chat_schedules_session ON chat_schedules (session_key, id);

-- One row per occurrence that fired: the key makes an occurrence fire once, whichever node claims it.
CREATE TABLE chat_schedule_runs (
  schedule_id   INTEGER NOT NULL,
  occurrence_at INTEGER NOT NULL,
  claimed_at    INTEGER NOT NULL,
  sent_at       INTEGER,                   -- NULL: claimed, not yet through the chat flow
  task_id       INTEGER,
  PRIMARY KEY (schedule_id, occurrence_at)
);
CREATE INDEX chat_schedule_runs_unsent ON chat_schedule_runs (claimed_at) WHERE sent_at IS NULL;

CREATE TABLE chat_settings (
  session_key TEXT PRIMARY KEY,
  time_zone   TEXT
);
