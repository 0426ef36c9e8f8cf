package dev.tasklane.store.postgres;

import dev.tasklane.store.Database;
import dev.tasklane.store.TaskStoreContract;
import java.nio.file.Path;

/** The store contract on a real PostgreSQL, a fresh schema per test. */
class PostgresTaskStoreTest extends TaskStoreContract {
  @Override
  protected Database open(Path dir) {
    return EmbeddedPostgresServer.shared().openFresh();
  }
}
