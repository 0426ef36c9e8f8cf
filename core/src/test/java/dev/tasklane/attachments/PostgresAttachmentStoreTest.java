package dev.tasklane.attachments;

import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;

/** {@link AttachmentStoreTest} with the metadata on PostgreSQL: a schema of its own per test. */
class PostgresAttachmentStoreTest extends AttachmentStoreTest {
  @Override
  Database database() {
    return PostgresDatabase.open(EmbeddedPostgresServer.shared().freshSchema());
  }
}
