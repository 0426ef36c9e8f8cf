-- Expiry is checked every second, on the writer. Without an index of its own, the check walked
-- every queued task (the queue index has no expires_at): 10 to 25 ms a second with 100,000
-- queued, during which no write committed. Most tasks have no expiry, so a partial index of
-- those that do is small and costs nothing to submits without one.
CREATE INDEX tasks_expiry ON tasks (expires_at) WHERE state = 'queued' AND expires_at IS NOT NULL;
