package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.chat.access.Grants;
import dev.tasklane.chat.schedule.Schedule;
import dev.tasklane.chat.schedule.ScheduleConfig;
import dev.tasklane.chat.schedule.Schedules;
import dev.tasklane.core.MutableClock;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** /later, /every, /schedules and /timezone through the chat flow, on a clock the test sets. */
class ChatSchedulesTest extends ChatTestBase {
  /** Wednesday 25 March 2026, 08:00 UTC. */
  static final Instant WEDNESDAY_8 = Instant.parse("2026-03-25T08:00:00Z");
  final MutableClock clock = new MutableClock();

  /** Due occurrences are sent when the test says (and once at start): the loop's tick is an hour. */
  static ChatConfig config(ScheduleConfig schedules) {
    return ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100)).schedules(schedules).build();
  }

  static ScheduleConfig utc() {
    return ScheduleConfig.defaults().withZone(ZoneId.of("UTC")).withTick(Duration.ofHours(1));
  }

  ChatFixture startAt(Instant at, ScheduleConfig schedules) {
    clock.set(at);
    f = ChatFixture.start(database(), config(schedules), clock);
    return f;
  }

  long sent(String text) {
    return f.channel.sent().stream().filter(s -> s.text().equals(text)).count();
  }

  void awaitSent(String text) {
    await().atMost(Duration.ofSeconds(10)).until(() -> sent(text) >= 1);
  }

  @Test
  void aLaterMessageRunsOnceAtItsTimeAsItsAuthorsMessage() {
    startAt(WEDNESDAY_8, utc());
    Reply r = f.say("c1", "/later in 2h echo hello");
    assertThat(r.answer().text()).startsWith("Scheduled #").contains("Wed 25 Mar 10:00 (UTC): echo hello");

    clock.advance(Duration.ofMinutes(119));
    assertThat(f.chat.schedules().runDue(false)).isZero();
    clock.advance(Duration.ofMinutes(2));
    assertThat(f.chat.schedules().runDue(false)).isEqualTo(1);

    awaitSent("echo: echo hello");
    RecordingChannel.Sent answer = f.channel.sentTo("c1").stream()
        .filter(s -> s.text().equals("echo: echo hello")).findFirst().orElseThrow();
    assertThat(answer.replyTo()).as("no platform message to reply to").isNull();
    Task task = f.lane.list(TaskQuery.session("test:c1")).items().getFirst();
    assertThat(task.origin().sender()).isEqualTo("alice");

    assertThat(f.chat.schedules().runDue(false)).isZero();
    assertThat(f.say("c1", "/schedules").answer().text()).startsWith("No schedules");
    List<ChatMessage> transcript = f.chat.transcript("test:c1", 0, 100);
    assertThat(transcript).extracting(ChatMessage::text).contains("echo hello", "echo: echo hello");
  }

  @Test
  void anOccurrenceMissedWhileTheServerWasDownRunsOnceOnStart() {
    startAt(WEDNESDAY_8, utc());
    assertThat(f.say("c1", "/every day 9:00 echo report").answer().text())
        .contains("every day 9:00 (UTC), next Wed 25 Mar 09:00: echo report");
    f.close();

    clock.set(Instant.parse("2026-03-28T10:00:00Z")); // three occurrences missed
    f = ChatFixture.start(database(), config(utc()), clock);
    awaitSent("echo: echo report");
    sleep(300);
    assertThat(sent("echo: echo report")).isEqualTo(1);
    assertThat(f.chat.schedules().runDue(false)).isZero();
    assertThat(f.say("c1", "/schedules").answer().text()).contains("#1 every day 9:00, next Sun 29 Mar 09:00");

    clock.set(Instant.parse("2026-03-29T09:00:00Z"));
    assertThat(f.chat.schedules().runDue(false)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> sent("echo: echo report") == 2);
  }

  @Test
  void ofTwoNodesSharingTheDatabaseOnlyOneSendsAnOccurrence() throws Exception {
    startAt(WEDNESDAY_8, utc());
    f.say("c1", "/every hour echo tick");
    AtomicInteger otherSent = new AtomicInteger();
    Schedules otherNode = new Schedules(f.lane.database(), utc(), clock, o -> {
      otherSent.incrementAndGet();
      return new Schedules.Sent(true, null);
    });
    for (int hour = 1; hour <= 5; hour++) {
      clock.set(WEDNESDAY_8.plus(Duration.ofHours(hour)));
      CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> f.chat.schedules().runDue(false));
      CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> otherNode.runDue(false));
      assertThat(a.get() + b.get()).as("hour %d", hour).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> sent("echo: echo tick") + otherSent.get() == 5);
  }

  @Test
  void anOccurrenceClaimedByANodeThatDiedIsSentOnce() {
    startAt(WEDNESDAY_8, utc());
    f.say("c1", "/later in 1h echo orphan");
    clock.advance(Duration.ofHours(1));
    Schedules dying = new Schedules(f.lane.database(), utc(), clock, o -> {
      throw new IllegalStateException("the node died before sending");
    });
    assertThat(dying.runDue(false)).isEqualTo(1);
    assertThat(f.chat.schedules().runDue(false)).as("claimed a moment ago: not yet an orphan").isZero();

    clock.advance(Duration.ofMinutes(2));
    assertThat(f.chat.schedules().runDue(false)).isEqualTo(1);
    awaitSent("echo: echo orphan");
    assertThat(f.chat.schedules().runDue(false)).isZero();
    sleep(200);
    assertThat(sent("echo: echo orphan")).isEqualTo(1);
  }

  @Test
  void anOccurrenceRunsWithTheGrantsItsAuthorHasWhenItRuns() {
    startAt(WEDNESDAY_8, utc());
    Map<String, Grants> roles = new ConcurrentHashMap<>(Map.of("alice", Grants.USER, "visitor", Grants.GUEST));
    f.chat.setAccess((channel, sender) -> roles.getOrDefault(sender, Grants.GUEST));
    Reply guest = f.chat.receive(new IncomingMessage("test", "c1", "g1", "visitor", "/later in 1h echo hi"));
    assertThat(guest.answer().text()).startsWith("Scheduling a message is not granted to the role 'guest'")
        .endsWith("(forbidden)");
    assertThat(f.say("c1", "/later in 1h /run echo as alice").answer().text()).startsWith("Scheduled #");
    assertThat(f.say("c1", "/later in 2h echo still allowed?").answer().text()).startsWith("Scheduled #");

    clock.advance(Duration.ofHours(1));
    assertThat(f.chat.schedules().runDue(false)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.text().startsWith("/run is not granted to the role 'user'")));

    roles.put("alice", Grants.GUEST); // the role is taken away before the second occurrence
    clock.advance(Duration.ofHours(1));
    assertThat(f.chat.schedules().runDue(false)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.text().startsWith("Talking to an agent is not granted to the role 'guest'")));
    assertThat(f.lane.list(TaskQuery.session("test:c1")).items()).as("nothing ran").isEmpty();
  }

  @Test
  void aChatsTimeZoneIsItsOwnAndTheOldSchedulesKeepTheirs() {
    startAt(WEDNESDAY_8, utc());
    assertThat(f.say("c1", "/timezone").answer().text()).startsWith("This chat's time zone is UTC (it is 08:00");
    assertThat(f.say("c1", "/timezone europe/berlin").answer().text())
        .startsWith("This chat's time zone is now Europe/Berlin (it is 09:00");
    assertThat(f.say("c1", "/timezone Mars/Olympus").answer().text()).startsWith("There is no time zone");
    f.say("c1", "/later at 17:30 echo leave");
    f.say("c2", "/later at 17:30 echo leave");
    Schedule berlin = f.chat.schedules().active("test:c1").getFirst();
    assertThat(berlin.nextAt()).isEqualTo(Instant.parse("2026-03-25T16:30:00Z"));
    assertThat(berlin.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(f.chat.schedules().active("test:c2").getFirst().nextAt())
        .isEqualTo(Instant.parse("2026-03-25T17:30:00Z"));
    f.say("c1", "/timezone UTC");
    assertThat(f.say("c1", "/schedules").answer().text()).contains("once, Wed 25 Mar 17:30 (Europe/Berlin)");
  }

  @Test
  void limitsAndMistakesAreAnsweredAndChangeNothing() {
    startAt(WEDNESDAY_8, utc().withMaxPerChat(2));
    assertThat(f.say("c1", "/every */2 * * * * echo x").answer().text())
        .contains("it would run every 2m; the shortest allowed is 5m");
    assertThat(f.say("c1", "/later in 1h /every day echo x").answer().text())
        .contains("cannot be /every itself");
    assertThat(f.say("c1", "/later whenever echo x").answer().text()).contains("no time understood")
        .contains("Usage: /later");
    assertThat(f.say("c1", "/every").answer().text()).startsWith("Usage: /every");
    assertThat(f.chat.schedules().active("test:c1")).isEmpty();

    f.say("c1", "/every day 9:00 echo one");
    f.say("c1", "/every day 10:00 echo two");
    assertThat(f.say("c1", "/later in 1h echo three").answer().text()).contains("this chat has 2 schedules");
    assertThat(f.say("c2", "/schedules cancel 1").answer().text()).startsWith("No schedule #1 in this chat");
    assertThat(f.say("c1", "/schedules cancel 1").answer().text()).isEqualTo("Canceled schedule #1.");
    assertThat(f.say("c1", "/schedules").answer().text()).doesNotContain("echo one").contains("#2 every day 10:00");

    clock.set(Instant.parse("2026-03-25T09:00:00Z"));
    assertThat(f.chat.schedules().runDue(false)).as("the canceled one does not fire").isZero();
    assertThat(f.say("c1", "/schedules cancel all").answer().text()).isEqualTo("Canceled 1 schedule.");
  }
}
