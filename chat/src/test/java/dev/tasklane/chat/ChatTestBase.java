package dev.tasklane.chat;

import dev.tasklane.store.Database;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test folder per test, and the fixture started in it closed after the test; on SQLite, or on
 * the database a subclass names (the same tests on PostgreSQL).
 */
abstract class ChatTestBase {
  @TempDir Path dir;
  ChatFixture f;
  private Supplier<Database> database;

  /** True to run the test on PostgreSQL (a schema of its own), false for SQLite in the test's folder. */
  boolean onPostgresql() {
    return false;
  }

  /** Opens this test's database, the same one each time. */
  Supplier<Database> database() {
    if (database == null) database = onPostgresql() ? ChatFixture.postgresql() : ChatFixture.sqlite(dir);
    return database;
  }

  ChatFixture start(ChatConfig config) {
    f = ChatFixture.start(database(), config);
    return f;
  }

  @AfterEach
  void closeFixture() {
    if (f != null) f.close();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
