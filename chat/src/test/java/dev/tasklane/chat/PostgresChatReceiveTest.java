package dev.tasklane.chat;

import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import java.util.function.Supplier;

/** {@link ChatReceiveTest} on PostgreSQL: a schema of its own per test. */
class PostgresChatReceiveTest extends ChatReceiveTest {
  private PostgresOptions schema;

  @Override
  Supplier<Database> database() {
    if (schema == null) schema = EmbeddedPostgresServer.shared().freshSchema();
    return () -> PostgresDatabase.open(schema);
  }
}
