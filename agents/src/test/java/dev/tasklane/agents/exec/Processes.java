package dev.tasklane.agents.exec;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Test helpers about real processes. */
final class Processes {
  private Processes() {}

  /** The pids a test script wrote, one per line. */
  static List<Long> read(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
  }

  static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
  }

  /** Waits until every pid is gone (exited; a zombie awaiting its reaper counts as gone). */
  static void awaitAllGone(List<Long> pids) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> pids.stream().noneMatch(Processes::running));
  }
}
