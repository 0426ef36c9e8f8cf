package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tasklane watch} follows a task across a restart of the server and ends with its result. */
@Tag("slow")
class WatchResumeTest {
  @TempDir Path dir;

  @Test
  void watchResumesAfterTheServerRestarts() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = dir.resolve("data");
    Map<String, String> env = Map.of("TASKLANE_TOKEN", "t");
    String url = "http://127.0.0.1:" + port;
    StringWriter watchOut = new StringWriter();
    CompletableFuture<Integer> watch;
    try (ServerProcess first = ServerProcess.start(data, env, "--port", Integer.toString(port), "--shutdown-grace", "0s")) {
      StringWriter out = new StringWriter();
      var submit = Main.commandLine();
      submit.setOut(new PrintWriter(out));
      assertThat(submit.execute("submit", "--url", url, "--token", "t", "sleep 2; echo resumed-ok")).isZero();
      String id = out.toString().split(" ")[1];

      var cmd = Main.commandLine();
      cmd.setOut(new PrintWriter(watchOut, true));
      watch = CompletableFuture.supplyAsync(() -> cmd.execute("watch", id, "--url", url, "--token", "t"));
      Thread.sleep(700); // the task is running and watched
      assertThat(watch).isNotDone();
      assertThat(first.terminate(30)).isEqualTo(143);
    }
    try (ServerProcess second = ServerProcess.start(data, env, "--port", Integer.toString(port))) {
      assertThat(watch.get(60, TimeUnit.SECONDS)).as(watchOut.toString()).isZero();
      assertThat(watchOut.toString()).contains("resumed-ok", "completed");
    }
  }
}
