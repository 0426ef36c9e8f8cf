-- Times are epoch milliseconds. JSON columns hold text.
CREATE TABLE tasks (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused after a purge
  session_key         TEXT    NOT NULL,
  kind                TEXT    NOT NULL,
  input               TEXT    NOT NULL,
  input_hash          TEXT    NOT NULL,                    -- of kind and input, for idempotency keys ('' without one)
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

-- Indexes on live states are partial: a task leaves them when it starts or ends and never comes
-- back, so the hundreds of thousands of finished tasks kept for retention cost them nothing, and
-- each transition dirties few pages (what a commit writes is what limits throughput on SQLite).
-- The claim walks queued tasks in this order.
CREATE INDEX tasks_queue ON tasks (priority DESC, id) WHERE state = 'queued';
CREATE INDEX tasks_due ON tasks (not_before) WHERE state = 'queued';
-- Running tasks: the lease reaper, running counts per session and kind.
CREATE INDEX tasks_running ON tasks (lease_until) WHERE state = 'running';
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
-- No (session_key, id) index: it would take three entries per task; a session's events are found
-- through its tasks (tasks_session), then task_events' (task_id, seq) key.

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
