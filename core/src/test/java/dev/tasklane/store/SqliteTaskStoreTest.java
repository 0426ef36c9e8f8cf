package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The store contract on SQLite, plus what only SQLite has: the one-process lock. */
class SqliteTaskStoreTest extends TaskStoreContract {
  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir.resolve("tasks.db"));
  }

  @Test
  void aSecondProcessCannotOpenTheSameFile() {
    assertThatThrownBy(() -> SqliteDatabase.open(dir.resolve("tasks.db")))
        .isInstanceOf(StoreException.class).hasMessageContaining("another Tasklane process");
  }

  @Test
  void writesAreDurableAcrossReopen() {
    var t = submit(task("s"));
    db.close();
    db = open(dir);
    store = new TaskStore(db, e -> {});
    store.migrate();
    assertThat(store.find(t.id())).isPresent();
  }

  @Test
  void manyReadsAndWritesReuseTheirConnections() {
    var t = submit(task("s"));
    for (int i = 0; i < 20_000; i++) assertThat(store.find(t.id())).isPresent();
    for (int i = 0; i < 2_000; i++) store.saveCheckpoint(t.id(), 0, null);
  }

  @Test
  void databaseIsInWalModeWithFullSync() {
    String mode = db.read(tx -> {
      var rs = tx.connection().createStatement().executeQuery("PRAGMA journal_mode");
      rs.next();
      return rs.getString(1);
    });
    int sync = db.write(tx -> {
      var rs = tx.connection().createStatement().executeQuery("PRAGMA synchronous");
      rs.next();
      return rs.getInt(1);
    });
    assertThat(mode).isEqualTo("wal");
    assertThat(sync).isEqualTo(2); // FULL
  }
}
