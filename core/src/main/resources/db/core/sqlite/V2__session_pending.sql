-- What a commit costs on SQLite is the pages it dirties. The session index held (session_key,
-- state), so a claim and a completion each moved the task's entry: a random page of a large index
-- per task, twice. Keyed by session alone, no state change touches it.
DROP INDEX tasks_session;
CREATE INDEX tasks_session ON tasks (session_key);

-- Pending (queued or running) tasks per session, for the per-session limit and busy policies: one
-- small row per session with pending work (deleted when its count reaches zero), so the table stays
-- a few pages that every commit shares.
CREATE TABLE session_pending (
  session_key TEXT    PRIMARY KEY,
  pending     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO session_pending (session_key, pending)
  SELECT session_key, COUNT(*) FROM tasks WHERE finished_at IS NULL GROUP BY session_key;

-- An attempt's row is now written only when another attempt follows it (retried, lost); a task's
-- last attempt, running or ended, is described by the task row (attempt, lease_owner, started_at,
-- finished_at, state, error). Rows of attempts that ended stay as they are.
DELETE FROM task_attempts WHERE finished_at IS NULL;
