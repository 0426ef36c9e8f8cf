package dev.tasklane.chat;

/** {@link TranscriptTest} on PostgreSQL. */
class PostgresTranscriptTest extends TranscriptTest {
  @Override
  boolean onPostgresql() {
    return true;
  }
}
