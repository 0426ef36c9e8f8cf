package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.store.SqlWork;
import dev.tasklane.store.StoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * A caller hears "done" only once its write is committed, and "failed" only when it did not
 * happen: when the commit itself fails, the outcome is unknown, and the writer stops rather than
 * vouch for anything after it.
 */
class GroupCommitWriterTest {
  @TempDir Path dir;
  private final AtomicBoolean commitFails = new AtomicBoolean();
  private TestWriter db;
  private GroupCommitWriter writer;

  @BeforeEach
  void open() throws Exception {
    CachingConnection real = CachingConnection.open(dir.resolve("w.db"), new SQLiteConfig());
    // The disk refusing a commit, as an I/O error or a failed sync would: the commit call fails.
    Connection failing = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (p, method, args) -> {
          if (method.getName().equals("commit") && commitFails.get()) throw new SQLException("disk I/O error");
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    db = TestWriter.open(failing, dir.resolve("w.db"), "t (v INTEGER)", 512);
    writer = db.writer();
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private static SqlWork<Integer> insert(int v, List<String> actions) {
    return tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        ps.setInt(1, v);
        ps.executeUpdate();
      }
      tx.afterCommit(() -> actions.add("after " + v));
      return v;
    };
  }

  @Test
  void aWriteIsAcknowledgedOnceCommittedWithItsAfterCommitActionsFirst() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> write = writer.submitAsync(insert(1, actions));
    assertThat(write.get()).isEqualTo(1);
    assertThat(actions).containsExactly("after 1");
    assertThat(db.rows("t")).isOne();
  }

  @Test
  void aFailedCommitLeavesTheOutcomeUnknownAndStopsTheWriterLoudly() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    assertThat(writer.submit(insert(1, actions))).isOne();
    commitFails.set(true);
    assertThatThrownBy(() -> writer.submit(insert(2, actions))).isInstanceOfSatisfying(StoreException.class, e -> {
      assertThat(e.outcomeUnknown()).isTrue();
      assertThat(e).hasMessageContaining("may or may not be stored").hasMessageContaining("disk I/O error");
    });
    assertThat(actions).containsExactly("after 1"); // nobody heard of the second write

    // The disk may be fine again: the writer still takes nothing, and says why.
    commitFails.set(false);
    assertThatThrownBy(() -> writer.submit(insert(3, actions))).isInstanceOfSatisfying(StoreException.class,
        e -> assertThat(e).hasMessageContaining("stopped taking writes"));
    assertThat(writer.submitAsync(insert(4, actions))).failsWithin(java.time.Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(StoreException.class);
    assertThat(db.rows("t")).isOne();
  }

  @Test
  void aFailingUnitFailsAloneAndDidNotHappen() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    HeldWriter held = new HeldWriter();
    writer.submitAsync(held.unit());
    held.awaitHeld();
    var ok = writer.submitAsync(insert(1, actions));
    var failing = writer.submitAsync(tx -> {
      insert(2, actions).run(tx);
      throw new SQLException("refused");
    });
    held.release();
    assertThat(ok.get()).isOne();
    assertThatThrownBy(failing::get).cause().isInstanceOfSatisfying(StoreException.class,
        e -> assertThat(e.outcomeUnknown()).isFalse());
    assertThat(actions).containsExactly("after 1");
    assertThat(db.rows("t")).isOne();
  }

  @Test
  void anAfterCommitActionCannotWriteAndWaitForItself() throws Exception {
    CompletableFuture<Throwable> nested = new CompletableFuture<>();
    writer.submit(tx -> {
      tx.afterCommit(() -> {
        try {
          writer.submit(t -> 1);
          nested.complete(null);
        } catch (RuntimeException e) {
          nested.complete(e);
        }
      });
      return null;
    });
    assertThat(nested.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("nested write");
  }
}
