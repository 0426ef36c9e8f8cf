package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatCommandsTest extends ChatTestBase {
  @BeforeEach
  void start() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(200)).build());
  }

  @Test
  void helpListsTheCommandsWithoutStartingATask() {
    f.chat.addCommand("/agent", "pick the agent that answers this chat", call -> "agent is " + call.args());
    Reply r = f.say("c1", "/help");
    assertThat(r.taskId()).isNull();
    assertThat(r.answer().text()).contains("/status [id]", "/tasks", "/cancel <id> | all", "/retry <id>",
        "/run <command>", "/help");
    // An added command is listed with what it does, like the built-in ones.
    assertThat(r.answer().text().lines()).contains("/agent — pick the agent that answers this chat");
    assertThat(f.lane.list(TaskQuery.all()).items()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
    assertThat(f.channel.sent().getFirst().text()).isEqualTo(r.answer().text());
  }

  @Test
  void statusOfOneTaskShowsStateProgressElapsedAndAttempt() {
    Reply task = f.say("c1", "slow 20 100");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(task.taskId()).progress().steps() >= 2);
    String id = task.taskId().toString();

    String answer = f.say("c1", "/status " + id.toLowerCase()).answer().text();

    assertThat(answer).matches("Task " + id + " \\(slow 20 100\\): running for \\d+s, step \\d+ of 20 \\(\\d+%\\)\\."
        + " Attempt 1 of 1\\.");
  }

  @Test
  void statusWithoutIdListsTheSessionsRunningAndQueuedTasks() {
    assertThat(f.say("c1", "/status").answer().text()).startsWith("Nothing is running in this chat.");
    Reply running = f.say("c1", "quiet 3000");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(running.taskId()).state() == TaskState.RUNNING);
    Reply queued = f.say("c1", "quiet 10");
    f.say("c2", "quiet 3000"); // another chat: not listed

    String answer = f.say("c1", "/status").answer().text();

    assertThat(answer.lines()).hasSize(2);
    assertThat(answer.lines().toList().get(0)).startsWith("Task " + running.taskId() + " (quiet 3000): running for");
    assertThat(answer.lines().toList().get(1)).startsWith("Task " + queued.taskId() + " (quiet 10): queued, 1 ahead of it");
  }

  @Test
  void unknownOrMalformedIdsGetAClearMessage() {
    assertThat(f.say("c1", "/status 7777").answer().text()).isEqualTo(
        "No task '7777' in this chat (ids look like 00KQ). /tasks lists this chat's tasks.");
    assertThat(f.say("c1", "/status !!").answer().text()).startsWith("No task '!!' in this chat");
    assertThat(f.say("c1", "/cancel").answer().text()).startsWith("Usage: /cancel <id>");
    assertThat(f.say("c1", "/retry").answer().text()).startsWith("Usage: /retry <id>");
    assertThat(f.chat.receive(ChatFixture.adminMessage("c1", "/run")).answer().text())
        .startsWith("Usage: /run <command>");
    assertThat(f.say("c1", "/frobnicate").answer().text())
        .isEqualTo("Unknown command /frobnicate. /help lists the commands.");
    assertThat(f.lane.list(TaskQuery.all()).items()).isEmpty();
    Reply path = f.say("c1", "/etc/hosts is broken");
    assertThat(path.taskId()).isNotNull(); // a path is text for the agent, not a command
    f.lane.cancel(path.taskId());
  }

  @Test
  void tasksListsTheRecentTasksOfTheSessionNewestFirst() {
    assertThat(f.say("c1", "/tasks").answer().text()).isEqualTo("No tasks in this chat yet.");
    Reply a = f.say("c1", "first job");
    Reply b = f.say("c1", "second job");
    f.say("c2", "other chat's job");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(b.taskId()).isTerminal());

    String answer = f.say("c1", "/tasks").answer().text();

    assertThat(answer.lines().toList()).containsExactly("Recent tasks, newest first:",
        b.taskId() + "  completed  second job", a.taskId() + "  completed  first job", "/status <id> for details.");
  }

  @Test
  void cancelStopsARunningTaskAndItsResultSaysSo() {
    Reply task = f.say("c1", "slow 100 50");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(task.taskId()).state() == TaskState.RUNNING);
    String id = task.taskId().toString();

    String answer = f.say("c1", "/cancel " + id).answer().text();

    assertThat(answer).isIn("Stopping task " + id + "…", "Canceled task " + id + ".");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(task.taskId()).state() == TaskState.CANCELED);
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.text().equals("Task " + id + " was canceled.")));
    assertThat(f.say("c1", "/cancel " + id).answer().text()).isEqualTo("Task " + id + " already canceled; nothing to cancel.");
  }

  @Test
  void cancelAllCancelsOnlyThisChatsTasks() {
    Reply a = f.say("c1", "quiet 3000");
    Reply b = f.say("c1", "quiet 3000");
    Reply other = f.say("c2", "quiet 3000");

    String answer = f.say("c1", "/cancel all").answer().text();

    assertThat(answer).contains(a.taskId().toString(), b.taskId().toString());
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(a.taskId()).state() == TaskState.CANCELED
        && f.lane.require(b.taskId()).state() == TaskState.CANCELED);
    assertThat(f.lane.require(other.taskId()).isTerminal()).isFalse();
    assertThat(f.say("c1", "/cancel all").answer().text()).isEqualTo("Nothing to cancel in this chat.");
  }

  @Test
  void commandsCannotTouchAnotherChatsTasks() {
    Reply other = f.say("c2", "quiet 3000");
    String id = other.taskId().toString();

    assertThat(f.say("c1", "/cancel " + id).answer().text()).startsWith("No task '" + id + "' in this chat");
    assertThat(f.say("c1", "/status " + id).answer().text()).startsWith("No task '" + id + "' in this chat");
    assertThat(f.say("c1", "/retry " + id).answer().text()).startsWith("No task '" + id + "' in this chat");
    assertThat(f.say("c1", "/tasks").answer().text()).doesNotContain(id);
    assertThat(f.lane.require(other.taskId()).state()).isIn(TaskState.QUEUED, TaskState.RUNNING);
    assertThat(f.lane.require(other.taskId()).cancelRequestedAt()).isNull();
  }

  @Test
  void retryRunsAFinishedTaskAgainAndAnswersTheRetryMessage() {
    Reply failed = f.say("c1", "fail please");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(failed.taskId()).isTerminal());
    IncomingMessage retry = ChatFixture.message("c1", "/retry " + failed.taskId());

    Reply r = f.chat.receive(retry);

    assertThat(r.taskId()).isNotEqualTo(failed.taskId());
    assertThat(f.lane.require(r.taskId()).input()).isEqualTo(f.lane.require(failed.taskId()).input());
    assertThat(f.lane.require(r.taskId()).origin().messageId()).isEqualTo(retry.messageId());
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.replyTo().equals(retry.messageId()) && s.text().contains("Task " + r.taskId() + " failed")));
  }

  @Test
  void retryOfATaskStillRunningIsRefused() {
    Reply running = f.say("c1", "quiet 3000");
    String id = running.taskId().toString();
    assertThat(f.say("c1", "/retry " + id).answer().text()).startsWith("Task " + id + " is still ");
    assertThat(f.lane.list(TaskQuery.session("test:c1")).items()).hasSize(1);
  }

  @Test
  void runStartsAnExecTaskWithTheCommand() {
    Reply r = f.chat.receive(ChatFixture.adminMessage("c1", "/run echo hello from sh"));
    assertThat(f.lane.require(r.taskId()).kind()).isEqualTo("exec");
    assertThat(f.lane.require(r.taskId()).input().get("command").toString())
        .isEqualTo("[\"sh\",\"-c\",\"echo hello from sh\"]");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.text().equals("hello from sh\n")));
  }

  @Test
  void runWithoutTheExecHandlerSaysWhatIsMissing() {
    f.chat.close();
    f.chat = f.newChat(ChatFixture.fastConfig().runKind("shell").build());
    assertThat(f.chat.receive(ChatFixture.adminMessage("c1", "/run ls")).answer().text())
        .isEqualTo("/run needs the 'shell' handler, which this server does not have. See docs/AGENTS.md.");
  }

  @Test
  void customCommandsGetTheSessionAndArgumentsButCannotReplaceBuiltIns() {
    f.chat.addCommand("/agent", "switch agents", call -> "agent for " + call.sessionKey() + " set to " + call.args());
    assertThat(f.say("c1", "/agent   coder ").answer().text()).isEqualTo("agent for test:c1 set to coder");
    assertThat(f.say("c1", "/AGENT@tasklane_bot reviewer").answer().text())
        .isEqualTo("agent for test:c1 set to reviewer");
    f.chat.addCommand("/boom", "fails", call -> {
      throw new IllegalStateException("no such profile");
    });
    assertThat(f.say("c1", "/boom").answer().text()).isEqualTo("/boom failed: no such profile");
    assertThatThrownBy(() -> f.chat.addCommand("/cancel", "x", call -> "")).hasMessageContaining("built-in");
    assertThatThrownBy(() -> f.chat.addCommand("agent", "x", call -> "")).hasMessageContaining("'/'");
    assertThatThrownBy(() -> f.chat.addCommand("/quiet", " ", call -> "")).hasMessageContaining("description");
  }

  @Test
  void statusQuestionWhileATaskRunsIsAnsweredFromTheLedger() {
    Reply running = f.say("c1", "quiet 3000");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(running.taskId()).state() == TaskState.RUNNING);

    Reply question = f.say("c1", "How is it going?");

    assertThat(question.taskId()).isNull();
    assertThat(question.answer().text()).startsWith("Task " + running.taskId() + " (quiet 3000): running for");
    assertThat(f.lane.list(TaskQuery.session("test:c1")).items()).hasSize(1);
  }

  @Test
  void statusQuestionWithNothingRunningGoesToTheAgent() {
    Reply r = f.say("c1", "status?");
    assertThat(r.taskId()).isNotNull();
    assertThat(f.lane.require(r.taskId()).kind()).isEqualTo("echo");
  }
}
