package dev.tasklane.chat;

import dev.tasklane.engine.Lane;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A lane and a chat service in a process of their own, for the crash test: receives one message and
 * then runs until it is killed. Its channel logs every send and edit to a file outside the database
 * (fsynced, so a SIGKILL cannot lose a line); in mode {@code down} every send fails.
 */
public final class ChatCrashChild {
  private ChatCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean down = args[1].equals("down");
    String text = args[2];
    Path log = dir.resolve("sent.log");
    Lane lane = ChatFixture.startLane(SqliteDatabase.open(dir.resolve("tasklane.db")), 3);
    // down: a long window, so that the one answer is the result
    Duration window = down ? Duration.ofSeconds(10) : Duration.ofMillis(200);
    ChatService chat = new ChatService(lane, ChatFixture.fastConfig().yieldWindow(window).build(), Clock.systemUTC());
    chat.addChannel(new ChatChannel() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public String send(String chatId, String body, String replyTo) throws IOException {
        if (down) {
          write(log, "FAIL " + body);
          throw new IOException("platform is down");
        }
        String id = "child-" + System.nanoTime();
        write(log, "SENT " + id + " " + replyTo + " " + body.replace('\n', ' '));
        return id;
      }

      @Override
      public void edit(String chatId, String platformMessageId, String body) throws IOException {
        write(log, "EDIT " + platformMessageId + " " + body.replace('\n', ' '));
      }
    });
    chat.setAgentRouter(ChatFixture::route);
    chat.start();
    Reply r = chat.receive(new IncomingMessage("test", "c1", "crash-1", "alice", text));
    write(dir.resolve("child.state"), "received " + r.taskId());
    while (true) {
      boolean recorded = chat.transcript("test:c1", 0, 10).stream()
          .anyMatch(m -> !m.status() && m.role() == ChatMessage.Role.ASSISTANT);
      if (recorded) write(dir.resolve("child.state"), "recorded " + r.taskId());
      Thread.sleep(100);
    }
  }

  private static synchronized void write(Path file, String line) throws IOException {
    try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.getFD().sync();
    }
  }
}
