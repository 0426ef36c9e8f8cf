package dev.tasklane.agents.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.agents.exec.Environments;
import dev.tasklane.agents.exec.ExecHandler;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A real lane on a real SQLite file in a test's temporary folder, with helpers to run tasks. */
public final class LaneFixture implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final Lane lane;
  private final Path dir;

  /**
   * An exec handler whose commands get the safe base of this JVM's environment and run, without a
   * cwd of their own, in {@code <dir>/work/<session>}.
   */
  public static ExecHandler execHandler(Path dir, ExecOptions options) {
    SessionFolders folders = new SessionFolders(dir);
    return new ExecHandler(options, Environments.baseOnly(System.getenv()), folders::folder);
  }

  public LaneFixture(Path dir, Map<String, TaskHandler> handlers) {
    this(dir, handlers, fastRetries());
  }

  public LaneFixture(Path dir, Map<String, TaskHandler> handlers, LaneConfig config) {
    this(dir, db -> handlers, config);
  }

  /** For handlers that keep tables in the lane's database: they get it before the lane starts. */
  public LaneFixture(Path dir, Function<Database, Map<String, TaskHandler>> handlers, LaneConfig config) {
    this.dir = dir;
    Database db = SqliteDatabase.open(dir.resolve("tasklane.db"));
    Lane.Builder b = Lane.builder().database(db).config(config);
    handlers.apply(db).forEach(b::handler);
    this.lane = b.start();
  }

  public static LaneConfig fastRetries() {
    return LaneConfig.defaults().toBuilder().retryBase(Duration.ofMillis(100)).build();
  }

  public Lane lane() {
    return lane;
  }

  public TaskId submit(String kind, JsonNode input) {
    return submit(SubmitRequest.builder("test:1", kind).input(input));
  }

  public TaskId submit(SubmitRequest.Builder request) {
    return lane.submit(request.build()).task().id();
  }

  /** Waits (at most {@code max}) until the task is terminal and returns it. */
  public Task awaitEnd(TaskId id, Duration max) {
    await().atMost(max).pollInterval(Duration.ofMillis(20)).until(() -> lane.require(id).isTerminal());
    return lane.require(id);
  }

  /** All output the task emitted so far, one line per line. */
  public String output(TaskId id) {
    return lane.events(id, 0, 10_000).stream().map(TaskEvent::output).filter(o -> o != null)
        .collect(Collectors.joining());
  }

  public List<TaskEvent> events(TaskId id) {
    return lane.events(id, 0, 10_000);
  }

  /** Writes an executable shell script into the test folder and returns its path. */
  public Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  public static ObjectNode command(String... argv) {
    ObjectNode n = object();
    var a = n.putArray("command");
    for (String s : argv) a.add(s);
    return n;
  }

  @Override
  public void close() {
    lane.close();
  }
}
