package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.store.AppendingWork;
import dev.tasklane.store.InsertShape;
import dev.tasklane.store.Rows;
import dev.tasklane.store.SqlWork;
import dev.tasklane.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of appending units go in together at the end of their batch, yet every unit's outcome is its
 * own: a refused row fails only the unit that added it, and other units see what came before them.
 */
class InsertBufferTest {
  private static final InsertShape ROW =
      new InsertShape("INSERT INTO r (id, v) VALUES ", "(?, ?)", 2);

  @TempDir Path dir;
  private TestWriter db;
  private GroupCommitWriter writer;
  private Connection reader;
  private final HeldWriter held = new HeldWriter();

  @BeforeEach
  void open() throws Exception {
    db = TestWriter.open(dir.resolve("b.db"), "r (id INTEGER PRIMARY KEY, v TEXT NOT NULL)", 1024);
    writer = db.writer();
    reader = db.reader();
  }

  @AfterEach
  void close() throws Exception {
    held.release();
    db.close();
  }

  /** Holds the writer in a batch of its own, so that what is queued meanwhile commits as one batch. */
  private void holdWriter() throws InterruptedException {
    writer.submitAsync(held.unit());
    held.awaitHeld();
  }

  /** An appending unit that adds row (id, v) and returns how many rows it could see. */
  private static AppendingWork<Long> append(long id, String v) {
    return tx -> {
      tx.rows().insert(ROW, id, v);
      return count(tx.connection());
    };
  }

  private static long count(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM r"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<String> committed() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = reader.createStatement().executeQuery("SELECT id, v FROM r ORDER BY id")) {
      while (rs.next()) rows.add(rs.getLong(1) + "=" + rs.getString(2));
    }
    return rows;
  }

  @Test
  void appendedRowsAreKeptBackUntilAUnitOfAnotherKindOrTheCommit() throws Exception {
    holdWriter();
    List<CompletableFuture<Long>> appends = new ArrayList<>();
    for (int i = 1; i <= 300; i++) appends.add(writer.submitAsync(append(i, "v" + i)));
    CompletableFuture<Long> other = writer.submitAsync(tx -> count(tx.connection()));
    CompletableFuture<Long> lastAppend = writer.submitAsync(append(301, "v301"));
    held.release();

    // Within the batch the appending units saw none of the rows kept back, the other unit all 300.
    assertThat(appends).allSatisfy(a -> assertThat(a.get()).isZero());
    assertThat(other.get()).isEqualTo(300);
    assertThat(lastAppend.get()).isEqualTo(300);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 301; i++) expected.add(i + "=v" + i);
    assertThat(committed()).isEqualTo(expected); // 300 rows in chunks of 256, 32, 8 and 4, each with its values
  }

  @Test
  void aRowRefusedWhenTheRowsGoInFailsOnlyTheUnitThatAddedIt() throws Exception {
    holdWriter();
    var one = writer.submitAsync(append(1, "first"));
    var two = writer.submitAsync(append(2, "second"));
    var duplicate = writer.submitAsync(append(1, "again"));
    var three = writer.submitAsync(append(3, "third"));
    held.release();

    assertThat(one.get()).isZero();
    assertThat(two.get()).isOne(); // replayed one unit at a time: it saw the row before it
    assertThat(three.get()).isEqualTo(2);
    assertThatThrownBy(duplicate::get).cause().isInstanceOf(StoreException.class)
        .hasMessageContaining("UNIQUE constraint failed: r.id");
    assertThat(committed()).containsExactly("1=first", "2=second", "3=third");
  }

  @Test
  void anAppendingUnitThatThrowsLeavesNoRowAndTheOthersAreKept() throws Exception {
    holdWriter();
    var one = writer.submitAsync(append(1, "a"));
    var failing = writer.submitAsync((AppendingWork<Long>) tx -> {
      tx.rows().insert(ROW, 2L, "b");
      throw new IllegalStateException("changed its mind");
    });
    var three = writer.submitAsync(append(3, "c"));
    held.release();

    assertThat(one.get()).isZero();
    assertThat(three.get()).isOne();
    assertThatThrownBy(failing::get).cause().hasMessage("changed its mind");
    assertThat(committed()).containsExactly("1=a", "3=c");
  }

  @Test
  void anAppendingUnitThatFlushesSeesTheRowsBeforeIt() throws Exception {
    holdWriter();
    writer.submitAsync(append(1, "a"));
    var flushing = writer.submitAsync((AppendingWork<Long>) tx -> {
      tx.rows().insert(ROW, 2L, "b");
      tx.rows().flush();
      return count(tx.connection());
    });
    held.release();
    assertThat(flushing.get()).isEqualTo(2);
  }

  @Test
  void outsideAnAppendingUnitARowGoesInAtOnce() throws Exception {
    held.release();
    SqlWork<Long> insertAndCount = tx -> {
      tx.rows().insert(ROW, 1L, "a");
      return count(tx.connection());
    };
    assertThat(writer.submit(insertAndCount)).isOne();
    assertThat(committed()).containsExactly("1=a");
  }

  @Test
  void aRowWithTheWrongNumberOfValuesIsRefusedAndChangesNothing() throws Exception {
    held.release();
    assertThatThrownBy(() -> writer.submit((AppendingWork<Long>) tx -> {
      tx.rows().insert(ROW, 1L, "a");
      tx.rows().insert(ROW, 2L);
      return 0L;
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("2 values expected, got 1");
    assertThat(committed()).isEmpty();
  }

  @Test
  void aStatementStaysWithinSqlitesParameterLimit() {
    assertThat(ROW.maxRows()).isEqualTo(InsertShape.MAX_ROWS);
    assertThat(new InsertShape("INSERT INTO w VALUES ", "(" + "?, ".repeat(199) + "?)", 200).maxRows())
        .isEqualTo(128); // 256 rows would take 51,200 parameters
    assertThat(new InsertShape("INSERT INTO w VALUES ", "(?)", 32_766).maxRows()).isOne();
    assertThatThrownBy(() -> new InsertShape("INSERT INTO w VALUES ", "(?)", 32_767))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ROW.sql(4)).isEqualTo("INSERT INTO r (id, v) VALUES (?, ?), (?, ?), (?, ?), (?, ?)");
  }
}
