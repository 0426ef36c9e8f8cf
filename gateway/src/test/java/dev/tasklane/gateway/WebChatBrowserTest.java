package dev.tasklane.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.tasklane.chat.ChatConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web chat in a real Chromium: send, see the acknowledgement, watch progress, cancel, reload. */
@Tag("slow")
class WebChatBrowserTest {
  static final Path SCREENSHOT = Paths.get("target", "webchat.png");
  static final Path RUNNING_SCREENSHOT = Paths.get("target", "webchat-running.png");

  @TempDir Path dir;
  TestGateway gw;
  Playwright playwright;
  Browser browser;
  Page page;

  @BeforeEach
  void start() {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
    playwright = Playwright.create();
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(Paths.get("/usr/bin/chromium"))
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking")));
    page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1200, 760));
    page.setDefaultTimeout(15_000);
  }

  @AfterEach
  void stop() {
    if (browser != null) browser.close();
    if (playwright != null) playwright.close();
    if (gw != null) gw.close();
  }

  void send(String text) {
    page.locator("#message").fill(text);
    page.locator("#send").click();
  }

  Locator userBubble(String text) {
    return page.locator("li.msg.user", new Page.LocatorOptions().setHasText(text));
  }

  Locator taskCard(String state) {
    return page.locator("#task-list li.task .badge[data-state=\"" + state + "\"]");
  }

  @Test
  void sendWatchCancelAndReload() {
    page.navigate("http://127.0.0.1:" + gw.port() + "/#token=" + TestGateway.ADMIN + "&chat=browser");
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    assertThat(page.locator("#session")).hasText("web:browser");

    // A quick task: the message shows at once, stored (not pending), and its result comes back.
    send("echo hello from the browser");
    assertThat(userBubble("echo hello from the browser")).isVisible();
    assertThat(userBubble("echo hello from the browser")).not().hasClass(java.util.regex.Pattern.compile(".*pending.*"));
    assertThat(page.locator("li.msg.assistant", new Page.LocatorOptions().setHasText("hello from the browser")).first())
        .isVisible();

    // A task with progress: the bar moves while it runs, then it completes. The bar is read every
    // 100 ms for as long as the task's card says running, so a late event fails with what was seen.
    send("sleep 4000");
    assertThat(taskCard("running")).hasCount(1);
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
    assertThat(taskCard("completed")).hasCount(2, new com.microsoft.playwright.assertions.LocatorAssertions
        .HasCountOptions().setTimeout(15_000));

    // A long task, cancelled from its card.
    send("sleep 60000");
    assertThat(taskCard("running")).hasCount(1);
    page.locator("#task-list li.task:has(.badge[data-state=\"running\"]) .cancel").click();
    assertThat(taskCard("canceled")).hasCount(1);

    // A reload shows the whole conversation and every finished task.
    page.reload();
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    for (String text : List.of("echo hello from the browser", "sleep 4000", "sleep 60000")) {
      assertThat(userBubble(text)).isVisible();
    }
    assertThat(taskCard("completed")).hasCount(2);
    assertThat(taskCard("canceled")).hasCount(1);
    assertThat(page.locator("li.msg.assistant", new Page.LocatorOptions().setHasText("hello from the browser")).first())
        .isVisible();
    page.waitForTimeout(500); // let the bars finish their transition before the picture
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT));
    assertThat(SCREENSHOT.toFile()).exists();
  }

  @Test
  void reconnectsByItselfAndResumes() {
    page.navigate("http://127.0.0.1:" + gw.port() + "/#token=" + TestGateway.ADMIN + "&chat=again");
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    send("echo first");
    assertThat(page.locator("li.msg.assistant", new Page.LocatorOptions().setHasText("first")).first()).isVisible();

    // Drop the connection from the page's side; it comes back and new messages flow again.
    page.evaluate("() => state.ws.close()");
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    send("echo second");
    assertThat(page.locator("li.msg.assistant", new Page.LocatorOptions().setHasText("second")).first()).isVisible();
    assertThat(userBubble("echo first")).hasCount(1); // resumed, not replayed twice
  }

  /** The bar's width in percent, or empty once no card matches (the task is no longer running). */
  private static Optional<Double> widthPercent(Locator fill) {
    List<?> w = (List<?>) fill.evaluateAll(
        "els => els.map(el => el.getBoundingClientRect().width / el.parentElement.getBoundingClientRect().width)");
    return w.isEmpty() ? Optional.empty() : Optional.of(((Number) w.getFirst()).doubleValue() * 100);
  }
}
