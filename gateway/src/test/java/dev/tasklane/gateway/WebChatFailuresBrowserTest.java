package dev.tasklane.gateway;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.tasklane.chat.ChatConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the web chat does when something is wrong: a token the server refuses, a chat name it
 * refuses, a server that went away, and words and results too wide or too long for the window.
 */
class WebChatFailuresBrowserTest extends BrowserTestBase {
  @TempDir Path dir;

  @BeforeEach
  void startGateway() {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
  }

  @Test
  void aWrongTokenIsSaidOnThePageAskedForAgainAndNeverStored() {
    page.navigate(link("token=not-the-token&chat=mine"));
    assertThat(page.locator("#login")).isVisible();
    assertThat(page.locator("#login-error")).containsText("did not accept that token");
    assertThat(page.locator("#conn")).hasAttribute("data-state", "refused");
    assertThat(stored("tasklane.token")).isNull();
    assertThat(page.url()).doesNotContain("not-the-token");
    shot("webchat-bad-token.png");

    // Another wrong one, typed in: the same, and still nothing stored.
    page.locator("#token-input").fill("still-wrong");
    page.locator("#login button").click();
    assertThat(page.locator("#login-error")).isVisible();
    assertThat(stored("tasklane.token")).isNull();

    // The right one opens the chat named in the link and is kept for the next visit.
    page.locator("#token-input").fill(TestGateway.ADMIN);
    page.locator("#login button").click();
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    assertThat(page.locator("#session")).hasText("web:mine");
    assertThat(stored("tasklane.token")).isEqualTo(TestGateway.ADMIN);
    page.navigate("about:blank");
    page.navigate(link(""));
    assertThat(page.locator("#session")).hasText("web:mine");
  }

  @Test
  void aRefusedChatNameIsSaidOnThePageAndDoesNotBreakThePrintedLinkAfterwards() {
    page.navigate(link("token=" + TestGateway.ADMIN + "&chat=no%20spaces%20allowed"));
    assertThat(page.locator("#notice")).isVisible();
    assertThat(page.locator("#notice-text")).containsText("Can't open the chat \"no spaces allowed\"");
    assertThat(page.locator("#notice-text")).containsText("letters, digits");
    assertThat(stored("tasklane.chat")).isNull();
    assertThat(page.locator("#message")).isDisabled();
    shot("webchat-bad-chat.png");

    // The link `tasklane serve` printed opens the token's own chat as always.
    page.navigate("about:blank");
    page.navigate(link("token=" + TestGateway.ADMIN));
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    assertThat(page.locator("#session")).hasText("web:admin");
    assertThat(page.locator("#notice")).isHidden();
    send("echo works");
    assertThat(answer("works")).isVisible();
  }

  @Test
  void aChatOutsideTheTokensScopeOffersTheTokensOwnChat() {
    page.navigate(link("token=" + TestGateway.ALICE + "&chat=bob"));
    assertThat(page.locator("#notice-text")).containsText("outside this token's scope");
    page.locator("#notice-action").click();
    assertThat(page.locator("#session")).hasText("web:alice");
    assertThat(page.locator("#notice")).isHidden();
    assertThat(page.url()).doesNotContain("bob");
    assertThat(stored("tasklane.chat")).isNull();
  }

  @Test
  void whenTheServerIsDownThePageSaysSoKeepsWhatIsTypedAndComesBack() {
    page.navigate(link("token=" + TestGateway.ADMIN + "&chat=down"));
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    int port = gw.port();
    gw.stopServer();
    assertThat(page.locator("#conn")).hasAttribute("data-state", "down");
    assertThat(page.locator("#notice-text")).containsText("Can't reach the Tasklane server");
    assertThat(stored("tasklane.token")).isEqualTo(TestGateway.ADMIN); // a down server says nothing of the token
    send("echo typed while down");
    assertThat(userBubble("typed while down")).hasClass(java.util.regex.Pattern.compile(".*pending.*"));
    shot("webchat-server-down.png");

    page.locator("#notice-action").click(); // "Try now" while still down: it says so again
    assertThat(page.locator("#conn")).hasAttribute("data-state", "down");
    gw.startServer(port);
    // The page tries again by itself, backing off to 5 s at the most.
    assertThat(page.locator("#conn")).hasAttribute("data-state", "open");
    assertThat(page.locator("#notice")).isHidden();
    assertThat(answer("echo: typed while down").or(answer("typed while down"))).isVisible();
  }

  @Test
  void aLongWordAndALongResultStayInsideTheWindow() throws Exception {
    page.navigate(link("token=" + TestGateway.ADMIN + "&chat=wide"));
    send("echo " + "w".repeat(300));
    assertThat(answer("wwww")).isVisible();
    assertInsideTheWindow();

    send("lines 10000");
    Locator bubble = answer("line 1 of the long result");
    assertThat(bubble.locator(".show-all")).containsText("Show all (10,000 lines");
    assertThat(bubble.locator(".body br")).hasCount(9_999); // one result line per line
    double folded = bubble.boundingBox().height;
    assertThat(folded).isLessThan(600);
    assertInsideTheWindow();
    shot("webchat-long-result.png");

    Download download = page.waitForDownload(() -> bubble.locator(".download").click());
    String text = Files.readString(download.path());
    assertThat(text.lines()).hasSize(10_000).endsWith("line 10000 of the long result");
    bubble.locator(".show-all").click();
    assertThat(bubble.locator(".show-all")).hasText("Show less");
    assertThat(bubble.boundingBox().height).isGreaterThan(folded * 10);
    assertInsideTheWindow();
  }

  private void shot(String name) {
    page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions().setPath(Path.of("target", name)));
  }

  /** Nothing scrolls sideways; the Send button and the task list are where the window shows them. */
  private void assertInsideTheWindow() {
    @SuppressWarnings("unchecked")
    Map<String, Number> m = (Map<String, Number>) page.evaluate("() => ({"
        + " scroll: document.documentElement.scrollWidth, width: innerWidth,"
        + " send: document.getElementById('send').getBoundingClientRect().right,"
        + " tasks: document.querySelector('.tasks').getBoundingClientRect().right,"
        + " widest: Math.max(...[...document.querySelectorAll('#transcript li')].map(li => li.getBoundingClientRect().right))"
        + "})");
    double width = m.get("width").doubleValue();
    assertThat(m.get("scroll").doubleValue()).as("page width, %s", m).isLessThanOrEqualTo(width);
    assertThat(m.get("send").doubleValue()).as("Send button, %s", m).isLessThanOrEqualTo(width);
    assertThat(m.get("tasks").doubleValue()).as("task list, %s", m).isLessThanOrEqualTo(width);
    assertThat(m.get("widest").doubleValue()).as("widest message, %s", m).isLessThanOrEqualTo(width - 320);
    assertThat(page.locator("#task-list")).isInViewport(new LocatorAssertions.IsInViewportOptions());
  }
}
