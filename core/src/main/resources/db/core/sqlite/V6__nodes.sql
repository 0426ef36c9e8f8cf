-- The processes that run the lane on this database, each renewing its row while it runs: the
-- cluster view (nodes alive by their last heartbeat, tasks per node). On SQLite there is one.
CREATE TABLE task_nodes (
  node_id      TEXT    PRIMARY KEY,
  workers      INTEGER NOT NULL,          -- tasks it may run at once (0: it takes requests only)
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  stopped_at   INTEGER                    -- set when it shut down cleanly
);
