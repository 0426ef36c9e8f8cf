package dev.tasklane.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code tasklane serve} (or {@code worker}) as a child JVM on a free port, with the test's class path. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("(?:listening on|health on) (http://[^/\\s]+)");

  final Process process;
  final Path data;
  final List<String> stdout;
  final StringBuffer stderr;
  final String url;
  private List<Thread> pumps = List.of();

  private ServerProcess(Process process, Path data, String url, List<String> stdout, StringBuffer stderr) {
    this.process = process;
    this.data = data;
    this.stdout = stdout;
    this.url = url;
    this.stderr = stderr;
  }

  static ServerProcess start(Path data, Map<String, String> env, String... extraArgs) throws Exception {
    return start("serve", data, env, extraArgs);
  }

  /** {@code tasklane <command>} ({@code serve} or {@code worker}) on free ports, with its data in {@code data}. */
  static ServerProcess start(String command, Path data, Map<String, String> env, String... extraArgs)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Short-lived servers on a machine the suite keeps busy: the JIT's first tier only, as the
        // test JVMs run (C2's compiles would compete with the tests for the cores).
        "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), command, "--data", data.toString()));
    String portFlag = command.equals("worker") ? "--admin-port" : "--port";
    if (!List.of(extraArgs).contains(portFlag)) cmd.addAll(List.of(portFlag, "0"));
    cmd.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("TASKLANE_TOKEN");
    pb.environment().putAll(env);
    Process p = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
    StringBuffer err = new StringBuffer();
    Thread outPump = Thread.ofVirtual().start(() -> pump(p, lines, out));
    Thread errPump = Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) err.append(line).append('\n');
      } catch (IOException ignored) {
        // the process ended
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line == null) {
        if (!p.isAlive()) throw new AssertionError("serve exited " + p.exitValue() + ": " + err);
        continue;
      }
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread.sleep(200); // let the rest of the banner arrive
        ServerProcess sp = new ServerProcess(p, data, m.group(1), out, err);
        sp.pumps = List.of(outPump, errPump);
        return sp;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("serve did not start: " + err);
  }

  private static void pump(Process p, BlockingQueue<String> lines, List<String> out) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
        lines.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Sends SIGTERM (as kill, systemd or Ctrl-C would) and waits for the exit code. */
  int terminate(long seconds) throws Exception {
    // kill(1) rather than Process.destroy(): the latter did not run the child's shutdown hooks here.
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("serve did not stop within " + seconds + " s");
    }
    for (Thread t : pumps) t.join(5000); // read what it printed to the end
    return process.exitValue();
  }

  /** Everything the process printed so far, both streams. */
  String output() {
    synchronized (stdout) {
      return String.join("\n", stdout) + "\n" + stderr;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
