package dev.tasklane.chat;

/** {@link ChatDeliveryTest} on PostgreSQL. */
class PostgresChatDeliveryTest extends ChatDeliveryTest {
  @Override
  boolean onPostgresql() {
    return true;
  }
}
