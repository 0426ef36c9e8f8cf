-- Settings every node sharing the database must agree on, written once by the first node to start.
-- admin_token: the admin token when TASKLANE_TOKEN is not set, so that each node accepts it.
CREATE TABLE app_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
