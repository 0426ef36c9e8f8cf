package dev.tasklane.store.postgres;

import dev.tasklane.store.Database;
import dev.tasklane.store.TaskStoreContract;
import java.nio.file.Path;

/**
 * The store contract on PostgreSQL with four writer connections: batches of one process commit
 * side by side, as the batches of several nodes do.
 */
class PostgresWritersTaskStoreTest extends TaskStoreContract {
  @Override
  protected Database open(Path dir) {
    PostgresOptions schema = EmbeddedPostgresServer.shared().freshSchema();
    return PostgresDatabase.open(new PostgresOptions(schema.jdbcUrl(), schema.user(), schema.password(),
        schema.readers(), schema.maxBatch(), 4));
  }
}
