package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kills a real process running a lane and a chat service with SIGKILL, starts them again on the
 * same file, and checks that the chat still gets every answer, once.
 */
@Tag("slow")
class ChatCrashTest extends ChatTestBase {
  private static final ChatConfig CONFIG = ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(200)).build();

  @Test
  void taskCutOffByACrashRunsAgainAndItsResultIsDeliveredOnceToTheOriginalMessage() throws Exception {
    Process child = child("up", "slow 30 100");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines("SENT").size() == 1 && !lines("EDIT").isEmpty());
    kill(child);
    List<String> sentByChild = lines("SENT");
    assertThat(sentByChild).singleElement().asString().contains(" crash-1 On it — task ");
    String ackId = sentByChild.getFirst().split(" ")[1];

    start(CONFIG);

    await().atMost(Duration.ofSeconds(20)).until(() -> !f.channel.sent().isEmpty());
    sleep(1000);
    assertThat(f.channel.sent()).singleElement().satisfies(s -> {
      assertThat(s.text()).isEqualTo("slow work done after 30 steps");
      assertThat(s.replyTo()).isEqualTo("crash-1");
    });
    // the status message the dead process sent is the one still edited, up to its final text
    await().atMost(Duration.ofSeconds(5)).until(() -> !f.channel.edits().isEmpty()
        && f.channel.edits().getLast().text().contains(": completed in "));
    assertThat(f.channel.edits()).allSatisfy(e -> assertThat(e.platformId()).isEqualTo(ackId));

    f = f.restart(CONFIG);
    sleep(1500);
    assertThat(f.channel.sent()).isEmpty();
  }

  @Test
  void answerRecordedButNotYetSentWhenTheProcessDiedIsSentOnceAfterTheRestart() throws Exception {
    Process child = child("down", "hello");
    await().atMost(Duration.ofSeconds(30)).until(() -> state().contains("recorded") && !lines("FAIL").isEmpty());
    kill(child);
    assertThat(lines("SENT")).isEmpty();

    start(CONFIG);

    await().atMost(Duration.ofSeconds(10)).until(() -> !f.channel.sent().isEmpty());
    sleep(1000);
    assertThat(f.channel.sent()).singleElement().satisfies(s -> {
      assertThat(s.text()).isEqualTo("echo: hello");
      assertThat(s.replyTo()).isEqualTo("crash-1");
    });
    f = f.restart(CONFIG);
    sleep(1500);
    assertThat(f.channel.sent()).isEmpty();
  }

  private Process child(String mode, String text) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The JIT's first tier only, as the test JVMs run: C2's compiles would compete for the cores.
    return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), ChatCrashChild.class.getName(), dir.toString(), mode, text)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.out").toFile())
        .start();
  }

  private static void kill(Process child) throws InterruptedException {
    assertThat(child.isAlive()).as("child still running when killed").isTrue();
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private List<String> lines(String kind) throws IOException {
    Path log = dir.resolve("sent.log");
    if (!Files.exists(log)) return List.of();
    return Files.readAllLines(log).stream().filter(l -> l.startsWith(kind + " ")).toList();
  }

  private String state() throws IOException {
    Path p = dir.resolve("child.state");
    return Files.exists(p) ? Files.readString(p) : "";
  }
}
