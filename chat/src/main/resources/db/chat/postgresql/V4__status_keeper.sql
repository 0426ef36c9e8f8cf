-- The node that keeps a status message up to date. On a database shared by several nodes, another
-- node takes a status message over once its keeper is gone.
ALTER TABLE chat_messages ADD COLUMN status_node TEXT;
