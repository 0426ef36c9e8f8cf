-- Files sent with messages and tasks. The bytes are files named by id in the attachments folder;
-- times are epoch milliseconds.
CREATE TABLE attachments (
  id          TEXT   PRIMARY KEY,   -- random; the only name the file is stored under
  session_key TEXT   NOT NULL,      -- only this session's tasks may use it
  name        TEXT   NOT NULL,      -- as sent, made safe
  media_type  TEXT   NOT NULL,      -- checked against the content
  size        INTEGER NOT NULL,
  sha256      TEXT   NOT NULL,
  uploaded_by TEXT,
  created_at  INTEGER NOT NULL,
  used_at     INTEGER                -- last time a task or message was made with it
);
CREATE INDEX attachments_created ON attachments (created_at);

-- Which tasks use which attachments: a file lives while a task that uses it is kept.
CREATE TABLE attachment_uses (
  task_id       INTEGER NOT NULL,
  attachment_id TEXT   NOT NULL,
  PRIMARY KEY (task_id, attachment_id)
);
CREATE INDEX attachment_uses_attachment ON attachment_uses (attachment_id);
