-- Which node is sending an outbox message, and until when (epoch milliseconds): on a database
-- shared by several nodes one node sends it, and another takes it over once the claim ran out.
ALTER TABLE chat_outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE chat_outbox ADD COLUMN claimed_until BIGINT;
