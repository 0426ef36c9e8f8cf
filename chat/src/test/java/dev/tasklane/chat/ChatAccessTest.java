package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.chat.access.AccessPolicy;
import dev.tasklane.store.Json;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskQuery;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what in a chat: {@code /run} is the admin's unless a role grants it, free text goes
 * only to granted agent profiles, {@code /retry} needs what starting the task needed, and every
 * refusal says what is missing and changes nothing.
 */
class ChatAccessTest extends ChatTestBase {
  static final String CONFIG = """
      {"access": {
        "roles": {
          "operator": {"run": true},
          "reviewer": {"profiles": ["assistant"]}
        },
        "users": {"test:ops": "operator", "test:rev": "reviewer", "test:root": "admin", "test:visitor": "guest"}
      }}""";

  @BeforeEach
  void start() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(200)).build());
    AccessPolicy policy = AccessPolicy.fromTree(Json.tree(CONFIG), dir, "tasklane.json");
    f.chat.setAccess(policy::chatUser);
  }

  private Reply say(String sender, String chatId, String text) {
    return f.chat.receive(new IncomingMessage("test", chatId, "m" + ChatFixture.messageIds.incrementAndGet(), sender,
        text));
  }

  @Test
  void runIsRefusedToAUserAndChangesNothing() {
    Reply r = say("alice", "c1", "/run echo $TASKLANE_TOKEN");

    assertThat(r.taskId()).isNull();
    assertThat(r.answer().text()).isEqualTo("/run is not granted to the role 'user'. An admin grants it with a role"
        + " that has \"run\": true (\"access\" in tasklane.json; see docs/SECURITY.md). (forbidden)");
    assertThat(f.lane.list(TaskQuery.all()).items()).isEmpty();
  }

  @Test
  void runWorksForTheAdminAndForARoleThatGrantsIt() {
    Reply admin = say("root", "c1", "/run echo admin");
    Reply operator = say("ops", "c2", "/run echo operator");

    assertThat(f.lane.require(admin.taskId()).kind()).isEqualTo("exec");
    assertThat(f.lane.require(operator.taskId()).kind()).isEqualTo("exec");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().stream()
        .filter(s -> s.text().equals("admin\n") || s.text().equals("operator\n")).count() == 2);
  }

  @Test
  void freeTextGoesOnlyToAGrantedAgentProfile() {
    f.chat.setAgentRouter((session, text) -> Optional.of(SubmitRequest.builder(session, "echo")
        .input(JsonNodeFactory.instance.objectNode().put("profile", text.startsWith("ask") ? "assistant" : "claude")
            .put("text", text))));

    Reply refused = say("rev", "c1", "refactor everything");
    Reply allowed = say("rev", "c1", "ask a question");
    Reply user = say("alice", "c2", "refactor everything");

    assertThat(refused.taskId()).isNull();
    assertThat(refused.answer().text()).startsWith("This chat uses the agent 'claude', which the role 'reviewer'"
        + " may not use. /agent lists the agents you may switch to").endsWith("(forbidden)");
    assertThat(allowed.taskId()).isNotNull();
    assertThat(user.taskId()).isNotNull(); // a user may use every configured profile
    assertThat(f.lane.list(TaskQuery.all()).items()).hasSize(2);
    // The agent's own background tasks are held to the reviewer's profiles too.
    assertThat(f.lane.require(allowed.taskId()).input().get("grantedProfiles").toString())
        .isEqualTo("[\"assistant\"]");
    assertThat(f.lane.require(user.taskId()).input().has("grantedProfiles")).isFalse();
  }

  @Test
  void aGuestGetsTheReadCommandsButNoAgent() {
    Reply text = say("visitor", "c1", "hello there");
    assertThat(text.taskId()).isNull();
    assertThat(text.answer().text()).startsWith("Talking to an agent is not granted to the role 'guest'.");
    assertThat(say("visitor", "c1", "/status").answer().text()).startsWith("Nothing is running in this chat.");
    assertThat(f.lane.list(TaskQuery.all()).items()).isEmpty();
  }

  @Test
  void retryOfAnAdminsCommandNeedsRunToo() {
    Reply admin = say("root", "group", "/run echo deploy");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(admin.taskId()).isTerminal());

    Reply retry = say("alice", "group", "/retry " + admin.taskId());

    assertThat(retry.taskId()).isNull();
    assertThat(retry.answer().text()).startsWith("/run is not granted to the role 'user'.");
    assertThat(f.lane.list(TaskQuery.all()).items()).hasSize(1);
    assertThat(say("ops", "group", "/retry " + admin.taskId()).taskId()).isNotNull();
  }

  @Test
  void commandsGetTheSendersGrants() {
    f.chat.addCommand("/whoami", "who you are here", call -> call.sender() + " is " + call.grants().role());
    assertThat(say("rev", "c1", "/whoami").answer().text()).isEqualTo("rev is reviewer");
    assertThat(say("stranger", "c1", "/whoami").answer().text()).isEqualTo("stranger is user");
  }
}
