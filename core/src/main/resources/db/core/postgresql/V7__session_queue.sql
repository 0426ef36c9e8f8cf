-- A session's queued tasks in claim order: a claim checks that no task of a session it takes from
-- comes first while another claim holds that task's row, reading a few entries from the head.
CREATE INDEX tasks_session_queue ON tasks (session_key, priority DESC, id) WHERE state = 'queued' AND exclusive = 1;
