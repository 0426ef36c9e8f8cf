-- The bytes of each file, so that every node sharing the database can serve it and hand it to a
-- handler; a node keeps a copy in its own attachments folder once it needed one. Deleted with the
-- file's row.
CREATE TABLE attachment_bytes (
  id   TEXT  PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
  data BYTEA NOT NULL
);
