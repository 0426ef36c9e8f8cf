-- Times are epoch milliseconds. JSON columns hold text.
CREATE TABLE tasks (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused after a purge
  session_key         TEXT    NOT NULL,
  kind                TEXT    NOT NULL,
  input               TEXT    NOT NULL,
  input_hash          TEXT    NOT NULL,
  state               TEXT    NOT NULL,
  priority            INTEGER NOT NULL,
  attempt             INTEGER NOT NULL DEFAULT 0,
  max_attempts        INTEGER NOT NULL,
  created_at          INTEGER NOT NULL,
  not_before          INTEGER NOT NULL,
  started_at          INTEGER,
  finished_at         INTEGER,
  expires_at          INTEGER,
  deadline_ms         INTEGER NOT NULL,
  lease_owner         TEXT,
  lease_until         INTEGER,
  fence               INTEGER NOT NULL DEFAULT 0,
  progress            TEXT,
  result              TEXT,
  error               TEXT,
  idempotency_key     TEXT,
  parent_id           INTEGER,
  depends_on          TEXT,                               -- JSON array of ids, as submitted
  waiting_on          INTEGER NOT NULL DEFAULT 0,         -- dependencies not yet completed
  origin              TEXT,
  cancel_requested_at INTEGER,
  exclusive           INTEGER NOT NULL DEFAULT 1,         -- 0: submitted with busy policy "parallel"
  checkpoint          TEXT,
  last_seq            INTEGER NOT NULL DEFAULT 0          -- seq of the task's latest event
);

-- The claim walks queued tasks in this order.
CREATE INDEX tasks_queue ON tasks (state, priority DESC, id);
CREATE INDEX tasks_due ON tasks (state, not_before);
CREATE INDEX tasks_session ON tasks (session_key, state);
CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;
CREATE UNIQUE INDEX tasks_idempotency ON tasks (session_key, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE task_dependencies (
  task_id    INTEGER NOT NULL,
  depends_on INTEGER NOT NULL,
  PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX task_dependencies_reverse ON task_dependencies (depends_on);

CREATE TABLE task_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id     INTEGER NOT NULL,
  session_key TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  at          INTEGER NOT NULL,
  payload     TEXT,
  UNIQUE (task_id, seq)
);
CREATE INDEX task_events_session ON task_events (session_key, id);

CREATE TABLE task_attempts (
  task_id     INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  owner       TEXT,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  outcome     TEXT,
  error       TEXT,
  PRIMARY KEY (task_id, number)
);
