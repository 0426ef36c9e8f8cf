-- A session's tasks were found through an index on tasks (session_key): every submit put its entry
-- on a random page of that index, and a commit writes whole pages, so that entry cost more WAL than
-- the rest of the submit together (1,474 against 571 bytes a submit). Now a submit appends
-- (task_id, session_key) to session_tasks_recent, a narrow table written at its end; the writer
-- moves those rows into session_tasks, ordered by session, in bulk, when it has nothing else to do
-- (or when the recent rows pass a cap), so that each page of the session index is written once
-- per move instead of once per submit. Every task is in exactly one of the two tables.
DROP INDEX tasks_session;

CREATE TABLE session_tasks (
  session_key TEXT    NOT NULL,
  task_id     INTEGER NOT NULL,
  PRIMARY KEY (session_key, task_id)
) WITHOUT ROWID;

CREATE TABLE session_tasks_recent (
  task_id     INTEGER PRIMARY KEY,
  session_key TEXT NOT NULL
);

INSERT INTO session_tasks (session_key, task_id) SELECT session_key, id FROM tasks ORDER BY session_key, id;
