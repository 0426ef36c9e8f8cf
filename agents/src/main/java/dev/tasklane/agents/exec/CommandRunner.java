package dev.tasklane.agents.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command as a process tree: streams its output line by line to a listener, keeps a capped
 * copy for the result, and stops the whole tree on timeout, cancel or interrupt. Shared by the
 * {@code exec} handler and the model's command tool.
 */
public final class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

  /** Which stream a line came from. */
  public enum Stream {
    STDOUT,
    STDERR
  }

  /**
   * Receives every line as it arrives (from the reader threads, one line at a time) and returns
   * the text to keep for the result, or null to keep nothing for this line.
   */
  @FunctionalInterface
  public interface LineListener {
    String line(Stream stream, String text);
  }

  private final ExecOptions options;

  public CommandRunner(ExecOptions options) {
    this.options = options;
  }

  public ExecOptions options() {
    return options;
  }

  /**
   * Runs {@code command} to its end. {@code onStop} receives an action that stops the process tree,
   * to register as a cancel action. An interrupt stops the tree and is rethrown.
   */
  public CommandOutcome run(Command command, LineListener listener, Consumer<Runnable> onStop)
      throws IOException, InterruptedException {
    CappedOutput kept = new CappedOutput(options.maxOutputBytes());
    Deque<String> stderrTail = new ArrayDeque<>();
    ProcessTree tree = ProcessTree.start(command);
    onStop.accept(() -> Thread.startVirtualThread(() -> tree.stop(options.killGrace())));
    Process p = tree.process();
    Object lock = new Object(); // listeners see one line at a time, from either stream
    Thread out = reader(p.getInputStream(), line -> {
      synchronized (lock) {
        String keep = listener.line(Stream.STDOUT, line);
        if (keep != null) kept.add(keep);
      }
    }, tree.pid(), "out");
    Thread err = reader(p.getErrorStream(), line -> {
      synchronized (lock) {
        remember(stderrTail, line);
        String keep = listener.line(Stream.STDERR, line);
        if (keep != null) kept.add(keep);
      }
    }, tree.pid(), "err");
    boolean exited;
    try {
      Duration timeout = command.timeout() == null ? options.defaultTimeout() : command.timeout();
      exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) tree.stop(options.killGrace());
      drain(tree, out, err);
    } catch (InterruptedException e) {
      tree.stop(options.killGrace());
      throw e;
    } finally {
      tree.finish();
    }
    String tail;
    synchronized (lock) {
      tail = String.join("\n", stderrTail);
    }
    int code = exited ? p.exitValue() : -1;
    return new CommandOutcome(code, !exited, kept.text(), kept.truncated(), kept.droppedBytes(), tail);
  }

  /**
   * Waits for the output still in the pipes, then stops whatever the command left running in its
   * process group: a task's processes do not outlive it, whether or not they hold its output open.
   */
  private void drain(ProcessTree tree, Thread out, Thread err) throws InterruptedException {
    long end = System.nanoTime() + options.drainTimeout().toNanos();
    joinUntil(out, end);
    joinUntil(err, end);
    if (out.isAlive() || err.isAlive()) {
      log.info("command {} exited but left processes holding its output; stopping them", tree.pid());
    }
    tree.stopLeftovers();
    out.join(TimeUnit.SECONDS.toMillis(2));
    err.join(TimeUnit.SECONDS.toMillis(2));
  }

  private static void joinUntil(Thread t, long endNanos) throws InterruptedException {
    long left = endNanos - System.nanoTime();
    if (left > 0) t.join(Duration.ofNanos(left));
  }

  /** Reads one pipe to its end; a listener that throws loses its line, never the rest of the pipe. */
  private Thread reader(InputStream in, Consumer<String> sink, long pid, String name) {
    Consumer<String> guarded = line -> {
      try {
        sink.accept(line);
      } catch (RuntimeException e) {
        log.warn("a line of command {} could not be reported", pid, e);
      }
    };
    return Thread.ofVirtual().name("exec-" + pid + "-" + name).start(() -> {
      try {
        LineSplitter.readLines(in, options.maxLineChars(), guarded);
      } catch (IOException | UncheckedIOException e) {
        log.debug("reading {} of command {} ended: {}", name, pid, e.getMessage());
      }
    });
  }

  private void remember(Deque<String> tail, String line) {
    tail.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
    while (tail.size() > options.stderrTailLines()) tail.removeFirst();
  }
}
