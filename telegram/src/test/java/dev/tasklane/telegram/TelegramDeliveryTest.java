package dev.tasklane.telegram;

import static dev.tasklane.telegram.TelegramFixture.ALICE;
import static dev.tasklane.telegram.TelegramFixture.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.telegram.FakeBotApi.Call;
import dev.tasklane.telegram.FakeChats.Msg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramDeliveryTest {
  @TempDir Path dir;
  TelegramFixture f;

  @BeforeEach
  void start() throws Exception {
    f = TelegramFixture.start(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private List<Msg> botMessages(long chat, Predicate<List<Msg>> until) {
    await().atMost(Duration.ofSeconds(20)).until(() -> until.test(f.api.chats.fromBot(chat)));
    return f.api.chats.fromBot(chat);
  }

  private double counter(String name, String method) {
    var c = f.metrics.find(name).tag("method", method).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aLongResultIsSplitOnLineBoundariesAndOnlyTheFirstPartReplies() {
    String expected = TelegramFixture.longText(9000);
    int asked = f.api.say(ALICE, "long 9000");
    List<Msg> parts = botMessages(ALICE, l -> l.size() >= 3);
    assertThat(parts).hasSize(3);
    assertThat(parts).allMatch(m -> m.text().length() <= 4096);
    // Each part ends at a line's end (the line break itself is not sent: Telegram drops it).
    assertThat(String.join("\n", parts.stream().map(Msg::text).toList())).isEqualTo(expected);
    assertThat(parts.get(1).text()).startsWith("line ");
    assertThat(parts.get(2).text()).startsWith("line ");
    assertThat(parts.get(0).replyTo).isEqualTo(asked);
    assertThat(parts.get(1).replyTo).isNull();
  }

  @Test
  void aVeryLongResultIsSentAsATextFileWithASummary() {
    int asked = f.api.say(ALICE, "long 20000");
    Msg doc = botMessages(ALICE, l -> !l.isEmpty()).getFirst();
    assertThat(doc.documentName).isEqualTo("answer.txt");
    assertThat(doc.documentContent).isEqualTo(TelegramFixture.longText(20000));
    assertThat(doc.text()).startsWith("The answer is long (20000 characters, 358 lines)").contains("line 00001")
        .hasSizeLessThanOrEqualTo(1024);
    assertThat(doc.replyTo).isEqualTo(asked);
    assertThat(f.api.chats.fromBot(ALICE)).hasSize(1);
  }

  @Test
  void aMarkdownAnswerArrivesFormattedWithEntitiesNeverAParseMode() {
    f.api.say(ALICE, "markdown");
    Msg answer = botMessages(ALICE, l -> !l.isEmpty()).getFirst();
    assertThat(answer.text()).isEqualTo("Fixed the bug in Main.java:\n\nint x = a * b * c;\n\nSee the PR.");
    assertThat(entities(answer)).containsExactly("bold:Fixed", "code:Main.java", "pre:int x = a * b * c;",
        "text_link:the PR");
    assertThat(answer.entities.get(2).path("language").asText()).isEqualTo("java");
    assertThat(f.api.calls("sendMessage")).allMatch(c -> c.status() == 200 && !c.params().has("parse_mode"));
  }

  @Test
  void aResultFullOfMarkupThatIsNotMarkdownShowsAsWrittenAndNeverFailsToParse() {
    f.api.say(ALICE, "markup");
    Msg answer = botMessages(ALICE, l -> !l.isEmpty()).getFirst();
    String line = "bold it link (a) code s <b>&</b> \\ > # + - = | { } . !";
    assertThat(answer.text()).isEqualTo(line + "\n" + line + "\n" + line);
    assertThat(entities(answer))
        .startsWith("italic:bold", "italic:it", "text_link:link", "code:code", "strikethrough:s");
    assertThat(f.api.calls("sendMessage")).allMatch(c -> c.status() == 200 && !c.params().has("parse_mode"));
  }

  @Test
  void aCodeBlockLongerThanAMessageIsClosedAtTheCutAndOpenedAgainInTheNextPart() {
    f.api.say(ALICE, "code 6000");
    List<Msg> parts = botMessages(ALICE, l -> l.size() >= 2);
    assertThat(parts).hasSize(2).allMatch(m -> m.text().length() <= 4096);
    for (Msg part : parts) assertThat(entities(part)).containsExactly("pre:" + part.text());
    assertThat(String.join("\n", parts.stream().map(Msg::text).toList()))
        .isEqualTo(TelegramFixture.longText(6000).stripTrailing());
  }

  @Test
  void formattingTelegramRefusesIsDroppedAndTheWordsStillArrive() {
    f.api.failNext("sendMessage", 1, 400, "Bad Request: can't parse entities: unsupported start tag");
    f.api.say(ALICE, "markdown");
    Msg answer = botMessages(ALICE, l -> !l.isEmpty()).getFirst();
    assertThat(answer.text()).isEqualTo(TelegramFixture.MARKDOWN);
    assertThat(answer.entities).isEmpty();
    assertThat(f.api.calls("sendMessage")).extracting(Call::status).containsExactly(400, 200);
  }

  /** The message's entities as "type:the text each covers". */
  private static List<String> entities(Msg m) {
    List<String> out = new java.util.ArrayList<>();
    m.entities.forEach(e -> out.add(e.path("type").asText() + ":" + m.text().substring(e.path("offset").asInt(),
        e.path("offset").asInt() + e.path("length").asInt())));
    return out;
  }

  @Test
  void theResultArrivesAsAPlainMessageWhenTheOriginalWasDeleted() {
    int asked = f.api.say(ALICE, "slow 5 200");
    botMessages(ALICE, l -> !l.isEmpty());
    f.api.deleteMessage(ALICE, asked);
    Msg result = botMessages(ALICE, l -> l.stream().anyMatch(m -> m.text().startsWith("slow work done"))).getLast();
    assertThat(result.text()).startsWith("slow work done");
    assertThat(result.replyTo).isNull();
  }

  @Test
  void aMessageTelegramRefusesForGoodIsGivenUpAndTheChatMovesOn() {
    f.api.failNext("sendMessage", 1, 403, "Forbidden: bot was blocked by the user");
    f.api.say(ALICE, "first");
    f.api.say(ALICE, "second");
    List<Msg> sent = botMessages(ALICE, l -> l.stream().anyMatch(m -> m.text().equals("echo: second")));
    assertThat(sent).extracting(Msg::text).containsExactly("echo: second");
    assertThat(f.api.calls("sendMessage").stream().filter(c -> c.status() == 403)).hasSize(1);
    assertThat(counter("tasklane_telegram_refused", "sendMessage")).isEqualTo(1);
  }

  @Test
  void serverErrorsAreRetriedUntilTheMessageGoesThrough() {
    f.api.failNext("sendMessage", 3, 502, "Bad Gateway");
    int asked = f.api.say(ALICE, "through the storm");
    Msg answer = botMessages(ALICE, l -> !l.isEmpty()).getFirst();
    assertThat(answer.text()).isEqualTo("echo: through the storm");
    assertThat(answer.replyTo).isEqualTo(asked);
    assertThat(f.api.calls("sendMessage")).extracting(Call::status).containsExactly(502, 502, 502, 200);
  }

  @Test
  void aSendWhoseAnswerNeverCameIsSentAgainAndCounted() {
    // Telegram took the message, but its answer was lost: the outcome is unknown. The policy is to
    // send again (a possible duplicate rather than a possible loss), and to count it.
    f.api.stallNext("sendMessage", 1, Duration.ofSeconds(3), true);
    f.api.say(ALICE, "lost answer");
    List<Msg> sent = botMessages(ALICE, l -> l.size() >= 2);
    assertThat(sent).extracting(Msg::text).containsExactly("echo: lost answer", "echo: lost answer");
    assertThat(counter("tasklane_telegram_send_outcome_unknown", "sendMessage")).isEqualTo(1);
  }

  @Test
  void aSendThatNeverArrivedIsSentOnceWhenTheAnswerTimesOut() {
    f.api.stallNext("sendMessage", 1, Duration.ofSeconds(3), false);
    f.api.say(ALICE, "no answer yet");
    List<Msg> sent = botMessages(ALICE, l -> !l.isEmpty());
    assertThat(sent).extracting(Msg::text).containsExactly("echo: no answer yet");
  }

  @Test
  void a429StormHoldsBackEverySenderForRetryAfterAndLosesNothing() {
    f.api.chatType(GROUP, "supergroup");
    f.api.storm(Duration.ofMillis(2500));
    for (int i = 1; i <= 4; i++) f.api.say(ALICE, "private " + i);
    for (int i = 1; i <= 4; i++) f.api.say(GROUP, ALICE, null, null, "/tasks");
    botMessages(ALICE, l -> l.stream().filter(m -> m.text().startsWith("echo: ")).count() == 4);
    botMessages(GROUP, l -> l.size() == 4);
    assertThat(f.api.chats.fromBot(ALICE).stream().filter(m -> m.text().startsWith("echo: private")))
        .extracting(Msg::text).containsExactly("echo: private 1", "echo: private 2", "echo: private 3",
            "echo: private 4");
    // After the first 429 every sender waits out retry_after: at most the calls already on their
    // way (one per sender: outbox, receipts) meet the storm, not a call per retry.
    List<Call> refused = f.api.calls().stream().filter(c -> c.status() == 429).toList();
    assertThat(refused.size()).as("calls that met the storm").isBetween(1, 12);
    long firstRefusal = refused.getFirst().atNanos();
    long stormEnd = firstRefusal + Duration.ofMillis(2500).toNanos();
    assertThat(f.api.calls().stream().filter(c -> !c.method().equals("getUpdates"))
        .filter(c -> c.atNanos() > firstRefusal + Duration.ofMillis(300).toNanos() && c.atNanos() < stormEnd - 
            Duration.ofMillis(600).toNanos()))
        .as("calls made while retry_after was running").isEmpty();
    assertThat(f.metrics.find("tasklane_telegram_rate_limited").counter().count()).isEqualTo(refused.size());
  }
}
