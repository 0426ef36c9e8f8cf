package dev.tasklane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's first message after a restart: a fresh {@code ./tasklane serve} (the launcher, as a user
 * runs it, on an empty data folder), a WebSocket as the web chat opens it, and the time of its first
 * {@code task.create}, from sending the request to its acknowledgement, beside the hundredth.
 */
final class FirstAcknowledgement {
  /** Creates per run: the last one is the steady state the first is compared with. */
  static final int CREATES = 100;
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last creates of a run, whose median is the steady state beside the first. */
  static final int LAST = 10;

  /**
   * One fresh server's figures, in milliseconds: the first create, the hundredth, and the median of
   * the last ten (one create alone is at the mercy of the machine; ten are not).
   */
  record Run(double listening, double connect, double first, double hundredth, double lastTen) {}

  private FirstAcknowledgement() {}

  /**
   * The repository folder: where the launcher is, above the bench jar or classes; the system property
   * {@code tasklane.root} names another (to measure another build of Tasklane side by side).
   */
  static Path root() {
    String other = System.getProperty("tasklane.root");
    if (other != null) return Path.of(other);
    try {
      Path code = Path.of(FirstAcknowledgement.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = code; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("tasklane")) && Files.isDirectory(p.resolve("app"))) return p;
      }
    } catch (URISyntaxException | SecurityException e) {
      // fall through
    }
    return Path.of("").toAbsolutePath();
  }

  /**
   * {@code runs} fresh servers, each on a new data folder under {@code folder}, after one more that
   * is not counted: it warms this program's own WebSocket client, whose first request would
   * otherwise count against the first server's (by 10 to 20 ms), and leaves the class-data archive
   * a restarted server finds.
   */
  static List<Run> measure(Path folder, int runs) throws Exception {
    measure(folder.resolve("first-ack-data-warm-up"));
    List<Run> all = new ArrayList<>();
    for (int i = 0; i < runs; i++) all.add(measure(folder.resolve("first-ack-data-" + i)));
    return all;
  }

  static Run measure(Path data) throws Exception {
    Path launcher = root().resolve("tasklane");
    ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "serve", "--port", "0", "--data",
        data.toString()).redirectErrorStream(true);
    pb.environment().put("TASKLANE_TOKEN", "bench");
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String url = awaitListening(out, p);
      double listening = millisSince(t0);
      Thread.ofVirtual().start(() -> drain(out));
      try (Socket ws = Socket.open(url)) {
        double connect = ws.connectMillis;
        double[] ms = new double[CREATES];
        for (int i = 0; i < CREATES; i++) {
          ms[i] = ws.create(i);
          Thread.sleep(10); // one message after another, as people send them
        }
        List<Double> last = Arrays.stream(ms, CREATES - LAST, CREATES).boxed().toList();
        return new Run(listening, connect, ms[0], ms[CREATES - 1], median(last));
      }
    } finally {
      p.destroy(); // SIGTERM: the server shuts down as after Ctrl-C
      if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  private static String awaitListening(BufferedReader out, Process p) throws IOException {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) return m.group(1);
    }
    throw new IOException("tasklane serve ended (" + p.onExit().join().exitValue() + ") before listening:\n" + seen);
  }

  private static void drain(BufferedReader out) {
    try {
      out.transferTo(Writer.nullWriter());
    } catch (IOException e) {
      // the server stopped
    }
  }

  static double millisSince(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The WebSocket of one run: one request at a time, the next response is its answer. */
  private static final class Socket implements AutoCloseable {
    final WebSocket socket;
    final BlockingQueue<String> frames;
    final double connectMillis;

    private Socket(WebSocket socket, BlockingQueue<String> frames, double connectMillis) {
      this.socket = socket;
      this.frames = frames;
      this.connectMillis = connectMillis;
    }

    static Socket open(String url) {
      BlockingQueue<String> frames = new LinkedBlockingQueue<>();
      long t0 = System.nanoTime();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer bench")
          .buildAsync(URI.create(url.replace("http:", "ws:") + "/ws"), new WebSocket.Listener() {
            final StringBuilder part = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              part.append(data);
              if (last) {
                frames.add(part.toString());
                part.setLength(0);
              }
              w.request(1);
              return null;
            }
          }).join();
      return new Socket(ws, frames, millisSince(t0));
    }

    /** Sends one {@code task.create} and returns the milliseconds until its acknowledgement. */
    double create(int i) throws Exception {
      String request = "{\"id\":\"" + i + "\",\"method\":\"task.create\",\"params\":{\"sessionKey\":\"web:bench" + i
          + "\",\"kind\":\"exec\",\"input\":{\"command\":[\"true\"]}}}";
      long t0 = System.nanoTime();
      socket.sendText(request, true).join();
      String frame = frames.poll(30, TimeUnit.SECONDS);
      double ms = millisSince(t0);
      JsonNode reply = frame == null ? null : JSON.readTree(frame);
      if (reply == null || !reply.path("ok").asBoolean()) throw new IOException("task.create " + i + ": " + frame);
      return ms;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }

  /** For a look by hand: {@code java -cp tasklane-bench.jar dev.tasklane.bench.FirstAcknowledgement [runs]}. */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<Run> all = measure(Files.createTempDirectory("tasklane-first-ack"), runs);
    all.forEach(System.out::println);
    System.out.println("first: " + Arrays.toString(all.stream().mapToDouble(Run::first).toArray()));
    System.out.printf("median of %d: listening %.0f ms, first %.1f ms, hundredth %.1f ms, last ten %.1f ms%n", runs,
        median(all.stream().map(Run::listening).toList()), median(all.stream().map(Run::first).toList()),
        median(all.stream().map(Run::hundredth).toList()), median(all.stream().map(Run::lastTen).toList()));
  }
}
