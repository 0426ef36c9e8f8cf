package dev.tasklane.telegram;

import dev.tasklane.core.Task;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps "typing…" showing in every Telegram chat that has a running task: Telegram shows the
 * indicator for about 5 s, so it is renewed every {@code typingEvery} (4 s) until the task ends.
 */
final class TypingKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TypingKeeper.class);
  private static final String PREFIX = TelegramChannel.NAME + ":";
  private static final int MAX_CHATS = 500;

  private final Lane lane;
  private final TelegramChannel channel;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("tasklane-telegram-typing").factory());

  TypingKeeper(Lane lane, TelegramChannel channel, Duration every) {
    this.lane = lane;
    this.channel = channel;
    timer.scheduleWithFixedDelay(this::renew, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void renew() {
    try {
      TaskQuery running = TaskQuery.all().withScope(List.of(PREFIX)).withStates(Set.of(TaskState.RUNNING))
          .withLimit(MAX_CHATS);
      Set<String> chats = new LinkedHashSet<>();
      for (Task t : lane.list(running).items()) chats.add(t.sessionKey().substring(PREFIX.length()));
      chats.forEach(channel::typing);
    } catch (RuntimeException e) {
      log.debug("renewing the typing indicators failed", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
