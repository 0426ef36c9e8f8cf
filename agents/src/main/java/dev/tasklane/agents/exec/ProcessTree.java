package dev.tasklane.agents.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started command and everything it starts. On Linux the command runs under {@code setsid}, so it
 * leads a process group of its own; stopping the tree signals that group and every descendant
 * (collected before anything is killed, since a child whose parent died is no longer a descendant):
 * SIGTERM first, SIGKILL for whatever is still running after the grace period.
 */
final class ProcessTree {
  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
  private static final Path SETSID = findExecutable("setsid");
  private static final Path KILL = findExecutable("kill");

  private final Process process;
  private final boolean ownGroup;
  private final Set<ProcessHandle> seen = new LinkedHashSet<>();
  private boolean pendingInterrupt;
  private boolean finished;

  private ProcessTree(Process process, boolean ownGroup) {
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /** Starts the command; stdout and stderr stay separate pipes, stdin is empty. */
  static ProcessTree start(Command command) throws IOException {
    List<String> argv = new ArrayList<>();
    boolean ownGroup = SETSID != null;
    if (ownGroup) argv.add(SETSID.toString());
    argv.addAll(command.argv());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    if (command.cwd() != null) pb.directory(command.cwd().toFile());
    pb.environment().clear(); // the command's environment is all it gets: nothing of the server's
    pb.environment().putAll(command.env());
    return new ProcessTree(pb.start(), ownGroup);
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Stops the whole tree: SIGTERM to the process group and every descendant, SIGKILL after
   * {@code grace} to whatever still runs. Returns once all of them are gone (or after a last second).
   */
  synchronized void stop(Duration grace) {
    if (finished) return;
    // A stop usually happens because the caller was interrupted; the grace period must still be
    // waited out, so the flag is set aside and restored when the tree is gone.
    pendingInterrupt |= Thread.interrupted();
    try {
      stopTree(grace);
    } finally {
      if (pendingInterrupt) Thread.currentThread().interrupt();
      pendingInterrupt = false;
    }
  }

  private void stopTree(Duration grace) {
    List<ProcessHandle> tree = snapshot();
    if (tree.isEmpty() && !process.isAlive()) {
      signalGroup("KILL"); // the leader is gone, but children may still hold its group
      return;
    }
    signalGroup("TERM");
    tree.forEach(ProcessHandle::destroy);
    if (awaitGone(tree, grace)) {
      signalGroup("KILL");
      return;
    }
    tree = snapshot();
    signalGroup("KILL");
    tree.forEach(ProcessHandle::destroyForcibly);
    if (!awaitGone(tree, Duration.ofSeconds(1))) {
      log.warn("processes of command {} still running after SIGKILL: {}", pid(), running(tree));
    }
  }

  /**
   * Marks the run as over: later stops do nothing, so a signal can never reach a process group
   * whose id the system has since given to someone else.
   */
  synchronized void finish() {
    finished = true;
  }

  /** Kills whatever the command left running in its group after it exited itself. */
  synchronized void stopLeftovers() {
    pendingInterrupt |= Thread.interrupted();
    try {
      signalGroup("KILL");
      snapshot().forEach(ProcessHandle::destroyForcibly);
    } finally {
      if (pendingInterrupt) Thread.currentThread().interrupt();
      pendingInterrupt = false;
    }
  }

  /** The process and its descendants now, plus every descendant seen earlier (it may be orphaned). */
  private List<ProcessHandle> snapshot() {
    ProcessHandle root = process.toHandle();
    if (root.isAlive()) {
      seen.add(root);
      root.descendants().forEach(seen::add);
    }
    return running(new ArrayList<>(seen));
  }

  private static List<ProcessHandle> running(List<ProcessHandle> handles) {
    return handles.stream().filter(ProcessTree::isRunning).toList();
  }

  private boolean awaitGone(List<ProcessHandle> tree, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (true) {
      if (running(tree).isEmpty()) return true;
      if (System.nanoTime() >= end) return false;
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        pendingInterrupt = true; // stopping must finish; the flag is restored by stop()
      }
    }
  }

  /**
   * True while the process runs: alive and not a zombie. A zombie is dead already; it stays visible
   * until its parent (or, for orphans, the system's init) reaps it.
   */
  static boolean isRunning(ProcessHandle h) {
    if (!h.isAlive()) return false;
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return h.isAlive();
    }
  }

  /** Sends a signal to the command's process group (its id is the command's pid under setsid). */
  private void signalGroup(String signal) {
    if (!ownGroup || KILL == null) return;
    try {
      Process kill = new ProcessBuilder(KILL.toString(), "-s", signal, "--", "-" + pid())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!kill.waitFor(2, TimeUnit.SECONDS)) kill.destroyForcibly();
    } catch (IOException e) {
      log.debug("could not signal process group {}: {}", pid(), e.getMessage());
    } catch (InterruptedException e) {
      pendingInterrupt = true;
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static Path findExecutable(String name) {
    for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin"}) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }
}
