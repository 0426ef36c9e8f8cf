package dev.tasklane.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.ElementHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.FilePayload;
import dev.tasklane.chat.ChatConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web chat in a real Chromium: send, the receipt chip, progress, cancel, reload, reconnect,
 * Markdown answers, long messages, files sent with a message, a task that recovered. Failure states:
 * {@link WebChatFailuresBrowserTest}.
 */
class WebChatBrowserTest extends BrowserTestBase {
  static final Path SCREENSHOT = Paths.get("target", "webchat.png");
  static final Path RUNNING_SCREENSHOT = Paths.get("target", "webchat-running.png");

  @TempDir Path dir;

  void open(ChatConfig chat, String hash) {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), chat);
    page.navigate(link(hash));
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
  }

  @Test
  void sendWatchCancelAndReload() {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=browser");
    assertThat(page.locator("#session")).hasText("web:browser");

    // A quick task: the message shows at once, stored (not pending), and its result comes back.
    send("echo hello from the browser");
    assertThat(userBubble("echo hello from the browser")).isVisible();
    assertThat(userBubble("echo hello from the browser")).not().hasClass(Pattern.compile(".*pending.*"));
    assertThat(answer("hello from the browser")).isVisible();

    // A task with progress: the bar moves while it runs, then it completes. The bar is read every
    // 100 ms for as long as the task's card says running, so a late event fails with what was seen.
    send("sleep 4000");
    assertThat(taskCard("running")).hasCount(1);
    // The card is titled with what the user asked for, not the handler's name.
    assertThat(page.locator("#task-list li.task:has(.badge[data-state=\"running\"]) .task-title")).hasText("sleep 4000");
    Locator fill = page.locator("#task-list li.task:has(.badge[data-state=\"running\"]) .fill");
    List<Double> widths = new ArrayList<>();
    for (Optional<Double> w = widthPercent(fill); w.isPresent(); w = widthPercent(fill)) {
      if (w.get() > 30 && widths.stream().noneMatch(seen -> seen > 30)) {
        page.screenshot(new Page.ScreenshotOptions().setPath(RUNNING_SCREENSHOT));
      }
      widths.add(w.get());
      page.waitForTimeout(100);
    }
    List<Double> partial = widths.stream().filter(w -> w > 1 && w < 99).distinct().toList();
    String seen = "the running task's bar, read every 100 ms: " + widths;
    assertThat(partial).as(seen).hasSizeGreaterThanOrEqualTo(3);
    assertThat(Collections.max(partial) - Collections.min(partial)).as(seen).isGreaterThan(20.0);
    assertThat(taskCard("completed")).hasCount(2, new LocatorAssertions.HasCountOptions().setTimeout(15_000));

    // A long task, cancelled from its card.
    send("sleep 60000");
    assertThat(taskCard("running")).hasCount(1);
    page.locator("#task-list li.task:has(.badge[data-state=\"running\"]) .cancel").click();
    assertThat(taskCard("canceled")).hasCount(1);

    // A reload shows the whole conversation, every finished task, and each message's task chip.
    page.reload();
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    for (String text : List.of("echo hello from the browser", "sleep 4000", "sleep 60000")) {
      assertThat(userBubble(text)).isVisible();
      assertThat(userBubble(text).locator(".chip .task-id")).hasText(Pattern.compile("\\w{4}"));
    }
    assertThat(userBubble("sleep 60000").locator(".chip .badge")).hasText("canceled");
    assertThat(taskCard("completed")).hasCount(2);
    assertThat(taskCard("canceled")).hasCount(1);
    assertThat(answer("hello from the browser")).isVisible();
    assertThat(failedRequests).as("requests the page got an error for (favicon included)").isEmpty();
    page.waitForTimeout(500); // let the bars finish their transition before the picture
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT));
    assertThat(SCREENSHOT.toFile()).exists();
  }

  @Test
  void theTaskChipIsOnTheMessageBeforeTheAnswerComes() {
    open(ChatConfig.defaults().toBuilder().yieldWindow(Duration.ofSeconds(10)).build(),
        "token=" + TestGateway.ADMIN + "&chat=receipt");
    page.evaluate("() => window.sentAt = performance.now()");
    send("sleep 20000");
    Locator chip = userBubble("sleep 20000").locator(".chip");
    page.waitForFunction("() => document.querySelector('li.msg.user .chip .task-id')?.textContent");
    Object millis = page.evaluate("() => performance.now() - window.sentAt"); // polled every frame: for the log
    System.out.println("task chip shown " + millis + " ms after Send");
    // The answer ("On it — task …") waits for the yield window; the chip did not.
    assertThat(page.locator("li.msg.assistant:not(.typing)")).hasCount(0);
    assertThat(chip.locator(".task-id")).hasText(Pattern.compile("\\w{4}"));
    assertThat(chip.locator(".badge")).hasText(Pattern.compile("queued|running"));
    String id = chip.locator(".task-id").textContent();
    page.locator("#task-list li.task[data-task=\"" + id + "\"] .cancel").click();
    assertThat(chip.locator(".badge")).hasText("canceled");
  }

  /** A task submitted for later says when it starts, not a place in a queue it is not in yet. */
  @Test
  void aTaskForLaterShowsWhenItStarts() throws Exception {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=later");
    gw.post("/v1/tasks", TestGateway.ADMIN, "{\"sessionKey\": \"web:later\", \"kind\": \"echo\","
        + " \"input\": {\"text\": \"the report\"}, \"delaySeconds\": 7200}");
    Locator later = page.locator("#task-list li.task:has(.badge[data-state=\"queued\"])");
    // In the browser's time zone and locale: "starts 23:04", "starts 11:04 PM", "starts Tue 09:00".
    assertThat(later.locator(".bar-label")).hasText(Pattern.compile("^starts (\\w{3},? )?\\d{1,2}:\\d\\d( [AP]M)?$"));
  }

  @Test
  void aTaskWaitingForOthersSaysSoInsteadOfItsPlace() throws Exception {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=deps");
    HttpResponse<String> later = gw.post("/v1/tasks", TestGateway.ADMIN, "{\"sessionKey\": \"web:deps\","
        + " \"kind\": \"echo\", \"input\": {\"text\": \"first\"}, \"delaySeconds\": 7200}");
    String first = TestGateway.json(later).get("taskId").asText();
    gw.post("/v1/tasks", TestGateway.ADMIN, "{\"sessionKey\": \"web:deps\", \"kind\": \"echo\","
        + " \"input\": {\"text\": \"then this\"}, \"dependsOn\": [\"" + first + "\"]}");
    Locator waiting = page.locator("#task-list li.task:has-text(\"then this\")");
    assertThat(waiting.locator(".bar-label")).hasText("waits for 1 task");
  }

  @Test
  void aTaskQueuedBehindAnotherShowsItsPlaceOnItsChip() {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=queue");
    send("sleep 60000");
    assertThat(taskCard("running")).hasCount(1);
    ElementHandle runningCard = page.locator("#task-list li.task:has(.badge[data-state=\"running\"])").elementHandle();
    send("sleep 10");
    assertThat(userBubble("sleep 10").locator(".chip .place")).hasText("1 ahead");
    // The list changed (and the running task reported progress): its card is the same element, so a
    // click on its Cancel button is never lost to a card swapped under the pointer.
    assertThat(runningCard.evaluate("el => el.isConnected")).isEqualTo(true);
    page.locator("#task-list li.task:has(.badge[data-state=\"running\"]) .cancel").click();
    assertThat(userBubble("sleep 10").locator(".chip .badge")).hasText("completed");
  }

  @Test
  void reconnectsByItselfAndResumes() {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=again");
    send("echo first");
    assertThat(answer("first")).isVisible();

    // Drop the connection from the page's side; it comes back and new messages flow again.
    page.evaluate("() => tasklane.state.ws.close()");
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    send("echo second");
    assertThat(answer("second")).isVisible();
    assertThat(userBubble("echo first")).hasCount(1); // resumed, not replayed twice
  }

  @Test
  void answersInMarkdownAreRenderedAndTheirHtmlStaysText() {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=md");
    send("hostile");
    Locator bubble = answer("Here is");
    assertThat(bubble.locator("strong")).hasText("Done.");
    assertThat(bubble.locator("code").first()).hasText("the fix");
    assertThat(bubble.locator("pre code")).hasText("x <= 1");
    assertThat(bubble).containsText("<img src=x onerror=");
    assertThat(bubble.locator("img, script")).hasCount(0);
    assertThat(bubble.locator("a", new Locator.LocatorOptions().setHasText("click me"))).not()
        .hasAttribute("href", Pattern.compile("\\s*javascript:.*", Pattern.CASE_INSENSITIVE));
    page.waitForTimeout(300);
    assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
    assertThat(userBubble("hostile").locator("strong")).hasCount(0); // what the user typed is shown as typed
    page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "webchat-markdown.png")));
  }

  @Test
  void longMessagesAreSentWholeAndTooLongOnesAreRefusedWithTheLimit() {
    open(ChatConfig.defaults().toBuilder().maxIncomingChars(20_000).build(), "token=" + TestGateway.ADMIN + "&chat=long");
    String tenThousand = "echo " + "x".repeat(10_000);
    send(tenThousand);
    assertThat(userBubble("xxxx")).not().hasClass(Pattern.compile(".*pending.*"));
    assertThat(userBubble("xxxx").locator(".body")).hasText(tenThousand); // not cut at 4,000

    page.locator("#message").fill("y".repeat(20_001));
    assertThat(page.locator("#limit")).isVisible();
    assertThat(page.locator("#limit")).containsText("at most 20,000");
    assertThat(page.locator("#send")).isDisabled();
    page.locator("#message").press("Enter");
    assertThat(userBubble("yyyy")).hasCount(0); // nothing sent, the text stays to be shortened
    assertThat(page.locator("#message")).hasValue("y".repeat(20_001));
    page.locator("#message").fill("echo short again");
    assertThat(page.locator("#send")).isEnabled();
    assertThat(page.locator("#limit")).isHidden();
  }

  @Test
  void filesPickedWithTheMessageGoToTheTaskAndATooLargeOneComesBackWithTheLimit() {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=files");
    page.locator("#files").setInputFiles(new FilePayload[] {
        new FilePayload("notes.txt", "text/plain", "hello from a file".getBytes(StandardCharsets.UTF_8)),
        new FilePayload("spare.txt", "text/plain", "not sent".getBytes(StandardCharsets.UTF_8))});
    assertThat(page.locator("#picked li")).hasCount(2);
    page.locator("#picked li", new Page.LocatorOptions().setHasText("spare.txt")).locator(".remove").click();
    assertThat(page.locator("#picked li")).hasCount(1);
    assertThat(page.locator("#picked li")).containsText("notes.txt (17 B)");
    page.locator("#message").fill("read the files please");
    page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "webchat-files.png")));

    send("read the files please");
    assertThat(userBubble("read the files please").locator(".body"))
        .hasText("read the files please\n\n[Attached: notes.txt — in ./attachments/]");
    assertThat(userBubble("read the files please")).hasCount(1);
    assertThat(userBubble("read the files please")).not().hasClass(Pattern.compile(".*pending.*"));
    assertThat(answer("hello from a file")).isVisible(); // the task read the file
    assertThat(page.locator("#picked")).isHidden();

    // Over the server's limit for a file: nothing is sent, the text and the file come back to fix.
    page.locator("#files").setInputFiles(new FilePayload("big.bin", "application/octet-stream",
        new byte[(int) TestGateway.FILE_LIMITS.maxFileBytes() + 1]));
    send("read the files again");
    assertThat(answer("too_large")).containsText("big.bin");
    assertThat(userBubble("read the files again")).hasCount(0);
    assertThat(page.locator("#message")).hasValue("read the files again");
    assertThat(page.locator("#picked li")).containsText("big.bin");
  }

  /** On a phone-sized window the task list gives way, and a long answer uses most of the width. */
  @Test
  void onAPhoneTheTaskListGivesWayAndALongAnswerUsesTheWidth() {
    page.setViewportSize(390, 800);
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=phone");
    send("/help");
    Locator help = answer("/help");
    assertThat(help).isVisible();
    assertThat(page.locator(".tasks")).isHidden();
    // The bubble's width against the conversation's, inside its padding.
    double share = ((Number) help.evaluate("el => { const p = el.parentElement, s = getComputedStyle(p);"
        + " return el.getBoundingClientRect().width"
        + " / (p.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)); }")).doubleValue();
    assertThat(share).isGreaterThan(0.85);
  }

  /** A command that printed nothing: the list says so, as the chat's answer does, not its JSON. */
  @Test
  void aCommandThatPrintedNothingSaysSoInTheList() throws Exception {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=quiet");
    gw.post("/v1/tasks", TestGateway.ADMIN, "{\"sessionKey\": \"web:quiet\", \"kind\": \"echo\","
        + " \"input\": {\"exitCode\": 0, \"output\": \"\", \"truncated\": false}}");
    assertThat(page.locator("#task-list li.task:has(.badge[data-state=\"completed\"]) .task-note"))
        .hasText("no output");
  }

  @Test
  void aTaskThatRecoveredShowsItsResultNotTheLostAttemptsError() {
    open(ChatConfig.defaults(), "token=" + TestGateway.ADMIN + "&chat=recovered");
    send("flaky");
    assertThat(taskCard("completed")).hasCount(1);
    Locator note = page.locator("#task-list li.task .task-note");
    assertThat(note).hasText("done on attempt 2");
    assertThat(note).not().containsText("lease_expired");
    page.reload();
    assertThat(note).hasText("done on attempt 2");
  }

  /** The bar's width in percent, or empty once no card matches (the task is no longer running). */
  private static Optional<Double> widthPercent(Locator fill) {
    List<?> w = (List<?>) fill.evaluateAll(
        "els => els.map(el => el.getBoundingClientRect().width / el.parentElement.getBoundingClientRect().width)");
    return w.isEmpty() ? Optional.empty() : Optional.of(((Number) w.getFirst()).doubleValue() * 100);
  }
}
