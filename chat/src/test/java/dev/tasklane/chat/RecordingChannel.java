package dev.tasklane.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake platform at the boundary: records what the chat service sends and edits, and can fail on demand. */
class RecordingChannel implements ChatChannel {
  record Sent(String chatId, String text, String replyTo, String platformId) {}

  record Edit(String chatId, String platformId, String text) {}

  private final String name;
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final List<Edit> edits = new CopyOnWriteArrayList<>();
  private final List<String> typing = new CopyOnWriteArrayList<>();
  private final List<Receipt> receipts = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger sendCalls = new AtomicInteger();
  private final AtomicInteger editFailuresLeft = new AtomicInteger();
  private volatile long sendMillis;
  private static final AtomicInteger ids = new AtomicInteger();

  RecordingChannel(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /** The next {@code n} sends throw, as a platform that is down would. */
  void failNextSends(int n) {
    failuresLeft.set(n);
  }

  /** From now on sends never return (until interrupted), as in a process that stalled mid-send. */
  void hangSends() {
    sendMillis = Long.MAX_VALUE;
  }

  /** From now on each send takes {@code millis} before the platform takes the message. */
  void slowSends(long millis) {
    sendMillis = millis;
  }

  @Override
  public String send(String chatId, String text, String replyTo) throws Exception {
    sendCalls.incrementAndGet();
    if (sendMillis > 0) Thread.sleep(sendMillis);
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new java.io.IOException("platform is down");
    String id = name + "-" + ids.incrementAndGet();
    sent.add(new Sent(chatId, text, replyTo, id));
    return id;
  }

  /** The next {@code n} edits throw. */
  void failNextEdits(int n) {
    editFailuresLeft.set(n);
  }

  @Override
  public void edit(String chatId, String platformMessageId, String text) throws Exception {
    if (editFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new java.io.IOException("edit refused");
    edits.add(new Edit(chatId, platformMessageId, text));
  }

  @Override
  public void typing(String chatId) {
    typing.add(chatId);
  }

  List<Sent> sent() {
    return new ArrayList<>(sent);
  }

  List<Sent> sentTo(String chatId) {
    return sent.stream().filter(s -> s.chatId().equals(chatId)).toList();
  }

  List<Edit> edits() {
    return new ArrayList<>(edits);
  }

  List<String> typing() {
    return new ArrayList<>(typing);
  }

  @Override
  public void accepted(Receipt receipt) {
    receipts.add(receipt);
  }

  List<Receipt> receipts() {
    return new ArrayList<>(receipts);
  }

  int sendCalls() {
    return sendCalls.get();
  }
}
