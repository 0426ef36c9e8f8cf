-- Settings every node sharing the database must agree on (the same table as on PostgreSQL; with
-- SQLite there is one node, and nothing writes to it).
CREATE TABLE app_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
