package dev.tasklane.telegram;

import static dev.tasklane.telegram.TelegramFixture.ALICE;
import static dev.tasklane.telegram.TelegramFixture.BOB;
import static dev.tasklane.telegram.TelegramFixture.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.telegram.FakeChats.Msg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramReceiveTest {
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

  private List<Msg> botMessages(long chat, int atLeast) {
    await().atMost(Duration.ofSeconds(10)).until(() -> f.api.chats.fromBot(chat).size() >= atLeast);
    return f.api.chats.fromBot(chat);
  }

  @Test
  void answersAPrivateMessageAsAReplyWithReceiptFirst() {
    int asked = f.api.say(ALICE, "hello there");
    Msg answer = botMessages(ALICE, 1).getFirst();
    assertThat(answer.text()).isEqualTo("echo: hello there");
    assertThat(answer.replyTo).isEqualTo(asked);
    var reaction = f.api.calls("setMessageReaction").getFirst();
    assertThat(reaction.params().path("message_id").asInt()).isEqualTo(asked);
    assertThat(reaction.params().path("reaction").path(0).path("emoji").asText()).isEqualTo("👀");
    assertThat(f.api.calls("sendChatAction")).isNotEmpty();
    assertThat(f.api.calls("sendChatAction").getFirst().params().path("action").asText()).isEqualTo("typing");
  }

  @Test
  void showsReceiptWithin100msOfTheUpdateReachingTheServer() {
    for (int i = 0; i < 5; i++) {
      int asked = f.api.say(ALICE, "slow 3 200 number " + i);
      await().atMost(Duration.ofSeconds(5)).until(() -> f.api.calls("setMessageReaction").stream()
          .anyMatch(c -> c.params().path("message_id").asInt() == asked));
      long delivered = f.api.deliveredAtNanos(ALICE, asked);
      long reacted = f.api.calls("setMessageReaction").stream()
          .filter(c -> c.params().path("message_id").asInt() == asked).findFirst().orElseThrow().atNanos();
      assertThat(Duration.ofNanos(reacted - delivered)).as("receipt of message %d", i)
          .isLessThan(Duration.ofMillis(100));
    }
  }

  @Test
  void receiptDoesNotWaitForTheChatsEarlierMessages() {
    int first = f.api.say(ALICE, "slow 10 100");
    List<Integer> next = List.of(f.api.say(ALICE, "one"), f.api.say(ALICE, "two"), f.api.say(ALICE, "three"));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.api.calls("setMessageReaction").size() == 4);
    long firstAnswer = f.api.calls("sendMessage").stream().mapToLong(FakeBotApi.Call::atNanos).min()
        .orElse(Long.MAX_VALUE);
    for (int id : next) {
      long reacted = f.api.calls("setMessageReaction").stream().filter(c -> c.params().path("message_id").asInt() == id)
          .findFirst().orElseThrow().atNanos();
      assertThat(reacted).as("receipt of message %d came before the chat's first answer", id).isLessThan(firstAnswer);
    }
    assertThat(f.api.calls("setMessageReaction")).anyMatch(c -> c.params().path("message_id").asInt() == first);
  }

  @Test
  void refusesAStrangerOnceAndRunsNothingOfTheirs() {
    int first = f.api.say(BOB, "please run rm -rf /");
    Msg refusal = botMessages(BOB, 1).getFirst();
    assertThat(refusal.text()).isEqualTo("This bot is private; ask its owner to add your id " + BOB + ".");
    assertThat(refusal.replyTo).isEqualTo(first);
    f.api.say(BOB, "hello?");
    f.api.say(ALICE, "after the stranger");
    botMessages(ALICE, 1);
    assertThat(f.api.chats.fromBot(BOB)).hasSize(1);
    assertThat(f.lane.list(dev.tasklane.core.TaskQuery.session("telegram:" + BOB)).items()).isEmpty();
    assertThat(f.api.calls("setMessageReaction")).allMatch(c -> c.params().path("chat_id").asLong() != BOB);
  }

  @Test
  void inAGroupAnswersCommandsMentionsAndRepliesOnly() {
    f.api.chatType(GROUP, "supergroup");
    f.api.say(GROUP, BOB, null, null, "lunch anyone?");
    f.api.say(GROUP, BOB, null, null, "/status@some_other_bot");
    int mention = f.api.say(GROUP, BOB, null, null, "@tasklane_test_bot summarise the thread");
    Msg first = botMessages(GROUP, 1).getFirst();
    assertThat(first.text()).isEqualTo("echo: summarise the thread");
    assertThat(first.replyTo).isEqualTo(mention);
    f.api.say(GROUP, ALICE, null, first.id, "and the other one");
    f.api.say(GROUP, ALICE, null, null, "/tasks@tasklane_test_bot");
    List<Msg> all = botMessages(GROUP, 3);
    assertThat(all.get(1).text()).isEqualTo("echo: and the other one");
    assertThat(all.get(2).text()).startsWith("Recent tasks, newest first:");
    assertThat(f.lane.list(dev.tasklane.core.TaskQuery.session("telegram:" + GROUP)).items()).hasSize(2);
  }

  @Test
  void aForumTopicIsASessionOfItsOwnAndAnswersGoToTheTopic() {
    f.api.chatType(GROUP, "supergroup");
    f.api.say(GROUP, ALICE, 42, null, "/tasks");
    f.api.say(GROUP, ALICE, 42, null, "@tasklane_test_bot in the topic");
    List<Msg> answers = botMessages(GROUP, 2);
    assertThat(answers).allMatch(m -> m.threadId != null && m.threadId == 42);
    assertThat(answers.get(1).text()).isEqualTo("echo: in the topic");
    assertThat(f.lane.list(dev.tasklane.core.TaskQuery.session("telegram:" + GROUP + ":42")).items()).hasSize(1);
  }

  @Test
  void registersItsCommandsAndWelcomesOnStart() {
    var commands = f.api.calls("setMyCommands").getFirst().params().path("commands");
    assertThat(commands.findValuesAsText("command")).containsExactly("start", "help", "status", "tasks", "cancel",
        "retry", "agent", "run");
    f.api.say(ALICE, "/start");
    assertThat(botMessages(ALICE, 1).getFirst().text()).startsWith("Hi! I run tasks for you.");
  }

  @Test
  void runAndButtonsGoWithTheSendersRoleAsTelegramUserId() {
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    f.chat.setAccess((channel, sender) -> {
      asked.add(channel + ":" + sender);
      return dev.tasklane.chat.access.Grants.USER;
    });
    f.api.say(GROUP, BOB, null, null, "/run id");
    assertThat(botMessages(GROUP, 1).getFirst().text()).contains("is not granted to the role 'user'");
    assertThat(f.lane.list(dev.tasklane.core.TaskQuery.session("telegram:" + GROUP)).items()).isEmpty();
    assertThat(asked).contains("telegram:" + BOB);
  }
}
