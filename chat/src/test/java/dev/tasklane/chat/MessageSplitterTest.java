package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageSplitterTest {
  @Test
  void shortTextIsOnePart() {
    assertThat(MessageSplitter.split("hello", 5)).containsExactly("hello");
  }

  @Test
  void cutsAfterALineBreakInTheSecondHalf() {
    assertThat(MessageSplitter.split("aaaaaa\nbbbbbbbb", 10)).containsExactly("aaaaaa\n", "bbbbbbbb");
    // a break early in the part would make tiny parts: cut at the limit instead
    assertThat(MessageSplitter.split("aa\nbbbbbbbbbbbb", 10)).containsExactly("aa\nbbbbbbb", "bbbbb");
  }

  @Test
  void cutsAfterASpaceWhenThereIsNoLineBreak() {
    assertThat(MessageSplitter.split("aaaaaaa bbbbbb", 10)).containsExactly("aaaaaaa ", "bbbbbb");
  }

  @Test
  void cutsHardAtTheLimitWithoutBreakingASurrogatePair() {
    String text = "abcdefghi\uD83D\uDE00xyz"; // an emoji at 9..10
    List<String> parts = MessageSplitter.split(text, 10);
    assertThat(parts).containsExactly("abcdefghi", "\uD83D\uDE00xyz");
    assertThat(MessageSplitter.split("x".repeat(25), 10)).containsExactly("x".repeat(10), "x".repeat(10), "x".repeat(5));
  }

  @Test
  void partsStayWithinTheLimitAndJoinBackToTheText() {
    String text = ("line of log output " + "word ".repeat(7) + "\n").repeat(200) + "z".repeat(300);
    for (int max : new int[] {64, 100, 4096}) {
      List<String> parts = MessageSplitter.split(text, max);
      assertThat(parts).allSatisfy(p -> assertThat(p.length()).isBetween(1, max));
      assertThat(String.join("", parts)).isEqualTo(text);
    }
  }
}
