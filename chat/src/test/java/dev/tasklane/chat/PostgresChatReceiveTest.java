package dev.tasklane.chat;

/** {@link ChatReceiveTest} on PostgreSQL. */
class PostgresChatReceiveTest extends ChatReceiveTest {
  @Override
  boolean onPostgresql() {
    return true;
  }
}
