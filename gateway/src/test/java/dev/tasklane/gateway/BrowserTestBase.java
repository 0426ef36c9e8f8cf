package dev.tasklane.gateway;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * The web chat in Debian's Chromium: one browser per test class, a fresh context (no stored token or
 * chat) and page per test. Each test starts its own gateway.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {
  Playwright playwright;
  Browser browser;
  BrowserContext context;
  Page page;
  TestGateway gw;
  /** Responses of 400 and above the page got (a missing file, a refused request). */
  final List<String> failedRequests = new CopyOnWriteArrayList<>();

  @BeforeAll
  void launch() {
    // Assertions wait for the page; on a machine shared with other builds that can take seconds.
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    playwright = Playwright.create();
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(Paths.get("/usr/bin/chromium"))
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking")));
  }

  @BeforeEach
  void newPage() {
    context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 760).setAcceptDownloads(true));
    page = context.newPage();
    page.setDefaultTimeout(15_000);
    page.onResponse(r -> {
      if (r.status() >= 400) failedRequests.add(r.status() + " " + r.url());
    });
  }

  @AfterEach
  void closePage() {
    if (context != null) context.close();
    if (gw != null) gw.close();
    failedRequests.clear();
  }

  @AfterAll
  void quit() {
    if (browser != null) browser.close();
    if (playwright != null) playwright.close();
  }

  String link(String hash) {
    return "http://127.0.0.1:" + gw.port() + "/#" + hash;
  }

  void send(String text) {
    page.locator("#message").fill(text);
    page.locator("#send").click();
  }

  Locator userBubble(String text) {
    return page.locator("li.msg.user", new Page.LocatorOptions().setHasText(text));
  }

  Locator answer(String text) {
    return page.locator("li.msg.assistant", new Page.LocatorOptions().setHasText(text)).first();
  }

  Locator taskCard(String state) {
    return page.locator("#task-list li.task .badge[data-state=\"" + state + "\"]");
  }

  String stored(String key) {
    Object v = page.evaluate("k => localStorage.getItem(k)", key);
    return v == null ? null : v.toString();
  }
}
