package dev.tasklane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Database;
import dev.tasklane.store.NewTask;
import dev.tasklane.store.TaskStore;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * People look into the live database with another SQLite client (the {@code sqlite3} shell). Here
 * an engine process drains tasks while this process opens the database read-only, counts the tasks
 * and closes it again, over and over: the engine survives, and every task completes.
 */
class OtherSqliteReadersTest {
  private static final int TASKS = 24;

  @TempDir Path dir;

  @Test
  void anotherProcessReadingTheLiveDatabaseLeavesTheEngineRunning() throws Exception {
    Path db = dir.resolve("tasklane.db");
    Path log = dir.resolve("executions.log");
    Files.createFile(log);
    submitTasks(db);

    Process engine = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), db.toString(), log.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("engine.out").toFile()).start();
    int reads = 0;
    try {
      while (engine.isAlive()) {
        assertThat(countTasksReadOnly(db)).isEqualTo(TASKS);
        reads++;
        Thread.sleep(50);
      }
      assertThat(engine.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      engine.destroyForcibly();
    }

    assertThat(engine.exitValue()).as("engine's exit code (135 is SIGBUS); its output:%n%s",
        Files.readString(dir.resolve("engine.out"))).isZero();
    assertThat(reads).as("reads while the engine ran").isGreaterThan(5);
    try (Database database = SqliteDatabase.open(db)) {
      Map<TaskState, Long> counts = new TaskStore(database, e -> {}).countByState();
      assertThat(counts.get(TaskState.COMPLETED)).isEqualTo(TASKS);
    }
  }

  /** What {@code sqlite3 "file:tasklane.db?mode=ro" "select count(*) from tasks"} does. */
  private static long countTasksReadOnly(Path db) throws Exception {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c = config.createConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from tasks")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void submitTasks(Path db) {
    try (Database database = SqliteDatabase.open(db)) {
      TaskStore store = new TaskStore(database, e -> {});
      store.migrate();
      Instant now = Instant.now();
      for (int i = 0; i < TASKS; i++) {
        store.submit(new NewTask("readers:" + (i % 6), "count", TextNode.valueOf("n" + i), 5, 3, now, null,
            Duration.ofMinutes(1), null, null, List.of(), Origin.NONE, BusyPolicy.ENQUEUE), 100, now);
      }
    }
  }
}
