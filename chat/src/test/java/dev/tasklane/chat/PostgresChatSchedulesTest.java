package dev.tasklane.chat;

import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import java.util.function.Supplier;

/**
 * {@link ChatSchedulesTest} on PostgreSQL, where nodes really share the database: two schedulers
 * claiming the same occurrences, a claim whose node died, a restart over missed occurrences.
 */
class PostgresChatSchedulesTest extends ChatSchedulesTest {
  private PostgresOptions schema;

  @Override
  Supplier<Database> database() {
    if (schema == null) schema = EmbeddedPostgresServer.shared().freshSchema();
    return () -> PostgresDatabase.open(schema);
  }
}
