package dev.tasklane.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.gateway.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The send buffers' caps at their edges: per connection, per server, in frames, and UTF-8 sizes. */
class SendBudgetTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  /** Records what it is told, and says "first" once, as a connection does. */
  private static final class Recorder implements SendBudget.Owner {
    final List<String> told = new ArrayList<>();

    @Override
    public boolean tooFarBehind(String reason, boolean dropNow) {
      told.add((dropNow ? "drop: " : "close: ") + reason);
      return told.size() == 1;
    }
  }

  private SendBudget budget(long perConnection, long perServer) {
    return new SendBudget(new GatewayConfig.SendBuffers(perConnection, perServer, Duration.ofSeconds(1)), timer);
  }

  @Test
  void framesAreQueuedWhileLessThanTheCapWaitsAndTheOneThatFindsItFullClosesTheConnection() {
    SendBudget budget = budget(1000, 10_000);
    Recorder owner = new Recorder();
    SendBudget.Backlog b = budget.open(owner);

    assertThat(b.reserve(999)).isTrue();
    assertThat(b.reserve(500)).as("999 waiting, under the cap: queued, even past it").isTrue();
    assertThat(budget.waitingBytes()).isEqualTo(1499);
    assertThat(b.reserve(1)).as("1499 waiting, at or past the cap").isFalse();
    assertThat(owner.told).singleElement().asString().startsWith("close: too far behind: over 1000 bytes");
    assertThat(budget.closedBehind()).isEqualTo(1);
    assertThat(budget.waitingBytes()).as("a refused frame is not counted").isEqualTo(1499);

    b.release(500);
    b.release(999);
    assertThat(budget.waitingBytes()).isZero();
  }

  @Test
  void exactlyAtTheCapIsTooFarBehindAndOneByteUnderIsNot() {
    SendBudget budget = budget(1000, 10_000);
    Recorder owner = new Recorder();
    SendBudget.Backlog b = budget.open(owner);
    assertThat(b.reserve(1000)).isTrue();
    assertThat(b.reserve(1)).isFalse();
    assertThat(owner.told).hasSize(1);
    owner.told.clear();
    b.release(1000);
    assertThat(b.reserve(999)).as("nothing waiting").isTrue();
    assertThat(b.reserve(1)).as("999 waiting: one byte under the cap").isTrue();
    assertThat(owner.told).isEmpty();
  }

  @Test
  void aLoneAnswerLargerThanTheCapStillGoesToAClientThatReads() {
    SendBudget budget = budget(1000, 10_000);
    Recorder owner = new Recorder();
    SendBudget.Backlog b = budget.open(owner);
    assertThat(b.reserve(5000)).isTrue();
    b.release(5000);
    assertThat(b.reserve(5000)).isTrue();
    assertThat(owner.told).isEmpty();
  }

  @Test
  void tooManySmallFramesAreTooFarBehindToo() {
    SendBudget budget = budget(1L << 30, 1L << 30);
    Recorder owner = new Recorder();
    SendBudget.Backlog b = budget.open(owner);
    for (int i = 0; i < SendBudget.MAX_FRAMES; i++) assertThat(b.reserve(1)).isTrue();
    assertThat(b.reserve(1)).isFalse();
    assertThat(owner.told).singleElement().asString().contains(SendBudget.MAX_FRAMES + " frames");
  }

  @Test
  void pastTheServersCapTheConnectionFurthestBehindIsDroppedAtOnce() {
    SendBudget budget = budget(1000, 2000);
    Recorder little = new Recorder();
    Recorder most = new Recorder();
    Recorder sender = new Recorder();
    budget.open(little).reserve(300);
    budget.open(most).reserve(950);
    SendBudget.Backlog s = budget.open(sender);
    assertThat(s.reserve(750)).isTrue();
    assertThat(budget.waitingBytes()).as("exactly the server's cap").isEqualTo(2000);
    assertThat(most.told).isEmpty();

    assertThat(s.reserve(1)).as("the frame itself is queued").isTrue();
    assertThat(most.told).singleElement().asString().startsWith("drop: server send buffers full (2000 bytes)");
    assertThat(sender.told).isEmpty();
    assertThat(little.told).isEmpty();
    assertThat(budget.closedBehind()).isEqualTo(1);
  }

  @Test
  void utf8LengthCountsBytesNotChars() {
    assertThat(SendBudget.utf8Length("abc")).isEqualTo(3);
    assertThat(SendBudget.utf8Length("é")).isEqualTo(2);
    assertThat(SendBudget.utf8Length("€")).isEqualTo(3);
    assertThat(SendBudget.utf8Length("😀")).isEqualTo(4);
    String mixed = "a€😀é";
    assertThat(SendBudget.utf8Length(mixed)).isEqualTo(mixed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }
}
