package dev.tasklane.chat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test folder per test, and the fixture started in it closed after the test. */
abstract class ChatTestBase {
  @TempDir Path dir;
  ChatFixture f;

  ChatFixture start(ChatConfig config) {
    f = ChatFixture.start(dir, config);
    return f;
  }

  @AfterEach
  void closeFixture() {
    if (f != null) f.close();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
