package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.gateway.webchat.Markdown;
import org.junit.jupiter.api.Test;

class MarkdownTest {
  @Test
  void rendersTheMarkdownAgentsWrite() {
    String html = Markdown.toHtml("**Done.** Changed `Main.java`:\n\n```java\nint x = 1 < 2 ? 1 : 0;\n```\n\n"
        + "| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- ~~two~~\n\n[docs](https://example.org/d)");
    assertThat(html).contains("<strong>Done.</strong>", "<code>Main.java</code>",
        "<pre><code class=\"language-java\">int x = 1 &lt; 2 ? 1 : 0;", "<table>", "<td>1</td>", "<li>one</li>",
        "<del>two</del>");
    assertThat(html).containsPattern("<a [^>]*href=\"https://example.org/d\"[^>]*>docs</a>")
        .containsPattern("<a [^>]*target=\"_blank\"[^>]*>docs").containsPattern("<a [^>]*rel=\"noopener[^>]*>docs");
  }

  @Test
  void plainCommandOutputKeepsItsLines() {
    assertThat(Markdown.toHtml("total 8\ndrwxr-xr-x 2 me me 4096 docs\n-rw-r--r-- 1 me me 12 notes"))
        .isEqualTo("<p>total 8<br>\ndrwxr-xr-x 2 me me 4096 docs<br>\n-rw-r--r-- 1 me me 12 notes</p>\n");
  }

  @Test
  void htmlInTheTextIsShownAsTextAndNothingRunsOrLoads() {
    String html = Markdown.toHtml("<script>alert(1)</script>\n\nhi <img src=x onerror=\"alert(2)\"> there\n\n"
        + "<div onclick=\"alert(3)\">x</div>\n\n[click](javascript:alert(4)) ![pixel](https://tracker.example/p.png)"
        + " [data](data:text/html;base64,PHNjcmlwdD4=)");
    assertThat(html).doesNotContain("<script", "<img", "<div", "javascript:", "data:text");
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
    // An image is a link the reader may follow, not something the browser fetches by itself.
    assertThat(html).containsPattern("<a [^>]*href=\"https://tracker.example/p.png\"[^>]*>pixel</a>");
  }
}
