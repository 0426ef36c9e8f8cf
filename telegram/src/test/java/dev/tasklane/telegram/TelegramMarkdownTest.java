package dev.tasklane.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.telegram.TelegramMarkdown.Formatted;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;

class TelegramMarkdownTest {
  /** Each entity as "type:the text it covers", with its url or language when it has one. */
  private static List<String> spans(Formatted f) {
    return f.entities().stream().map(e -> e.getType() + ":" + covered(f, e)
        + (e.getUrl() != null ? "->" + e.getUrl() : "") + (e.getLanguage() != null ? "@" + e.getLanguage() : ""))
        .toList();
  }

  private static String covered(Formatted f, MessageEntity e) {
    return f.text().substring(e.getOffset(), e.getOffset() + e.getLength());
  }

  @Test
  void emphasisCodeAndLinksBecomeEntitiesAndTheirMarkersGo() {
    Formatted f = TelegramMarkdown.render("Done: **all tests pass**, _mostly_ ~~broken~~ fixed in `Main.java`,"
        + " see [the log](https://ci.example/1).");
    assertThat(f.text()).isEqualTo("Done: all tests pass, mostly broken fixed in Main.java, see the log.");
    assertThat(spans(f)).containsExactly("bold:all tests pass", "italic:mostly", "strikethrough:broken",
        "code:Main.java", "text_link:the log->https://ci.example/1");
  }

  @Test
  void aFencedBlockIsPreWithItsLanguageAndKeepsItsLinesAndMarkup() {
    Formatted f = TelegramMarkdown.render("Here:\n\n```Java\nint a = b * c * d;\n  **not bold**\n```\nAfter.");
    assertThat(f.text()).isEqualTo("Here:\n\nint a = b * c * d;\n  **not bold**\n\nAfter.");
    assertThat(spans(f)).containsExactly("pre:int a = b * c * d;\n  **not bold**@java");
  }

  @Test
  void headingsListsQuotesAndRulesReadAsInAChat() {
    Formatted f = TelegramMarkdown.render("# Plan\n\n1. read\n2. fix\n   - tests\n   - docs\n\n"
        + "> quoted\n> twice\n\n---\n\n- a\n- b");
    assertThat(f.text()).isEqualTo("Plan\n\n1. read\n2. fix\n   • tests\n   • docs\n\n"
        + "quoted\ntwice\n\n———\n\n• a\n• b");
    assertThat(spans(f)).containsExactly("bold:Plan", "blockquote:quoted\ntwice");
  }

  @Test
  void anOrderedListKeepsTheNumberItStartsFrom() {
    assertThat(TelegramMarkdown.render("0. zero\n1. one").text()).isEqualTo("0. zero\n1. one");
    assertThat(TelegramMarkdown.render("7) seven\n8) eight").text()).isEqualTo("7. seven\n8. eight");
  }

  @Test
  void lineBreaksStayAsInCommandOutput() {
    Formatted f = TelegramMarkdown.render("line one\nline two\n\nnext paragraph");
    assertThat(f.text()).isEqualTo("line one\nline two\n\nnext paragraph");
  }

  @Test
  void textThatIsNotMarkdownShowsAsWrittenWithoutEntities() {
    String text = "2 * 3 = 6, snake_case_name, a_b_c, [brackets] (parens) <b>&amp;</b>"
        + " 5 < 6 > 4 \\ # + = | { } . !";
    Formatted f = TelegramMarkdown.render(text);
    assertThat(f.text()).isEqualTo(text.replace("&amp;", "&")); // an HTML entity is a character
    assertThat(f.entities()).isEmpty();
  }

  @Test
  void offsetsCountUtf16UnitsAsTelegramDoes() {
    Formatted f = TelegramMarkdown.render("🚀 **shipped** 🎉 `ok`");
    assertThat(f.text()).isEqualTo("🚀 shipped 🎉 ok");
    MessageEntity bold = f.entities().getFirst();
    assertThat(bold.getOffset()).isEqualTo(3); // the rocket is two UTF-16 units
    assertThat(spans(f)).containsExactly("bold:shipped", "code:ok");
  }

  @Test
  void linksOtherThanTheWebShowTheirAddressAndImagesAreLinks() {
    Formatted f = TelegramMarkdown.render("[mail me](mailto:a@b.c) [notes](docs/x.md) ![chart](https://x.io/c.png)"
        + " <https://x.io>");
    assertThat(f.text()).isEqualTo("mail me (mailto:a@b.c) notes (docs/x.md) chart https://x.io");
    assertThat(spans(f)).containsExactly("text_link:chart->https://x.io/c.png", "text_link:https://x.io->https://x.io");
  }

  @Test
  void aTableIsABlockOfAlignedColumnsUnderItsHeader() {
    Formatted f = TelegramMarkdown.render("| test | result |\n|---|---|\n| **unit** | pass |\n| browser | fail |");
    assertThat(f.text()).isEqualTo("test    | result\n--------+-------\nunit    | pass\nbrowser | fail");
    assertThat(spans(f)).containsExactly("pre:" + f.text());
  }

  @Test
  void codeInsideOtherFormattingTakesThatFormattingAsTelegramHasNoCodeInBold() {
    Formatted f = TelegramMarkdown.render("**run `make`** and [see `log`](https://x.io)\n\n"
        + "> ```\n> quoted code\n> ```");
    assertThat(f.text()).isEqualTo("run make and see log\n\nquoted code");
    assertThat(spans(f)).containsExactly("bold:run make", "text_link:see log->https://x.io", "blockquote:quoted code",
        "pre:quoted code");
  }

  @Test
  void aQuoteInAQuoteIsOneQuote() {
    Formatted f = TelegramMarkdown.render("> outer\n>\n> > inner");
    assertThat(f.text()).isEqualTo("outer\n\ninner");
    assertThat(spans(f)).containsExactly("blockquote:outer\n\ninner");
  }

  @Test
  void aCodeBlockCutBetweenTwoPartsIsClosedAndOpenedAgain() {
    List<String> parts = TelegramMarkdown.closeFences(List.of("Intro\n```python\nx = 1\n", "y = 2\n```\nDone **now**"));
    assertThat(parts).containsExactly("Intro\n```python\nx = 1\n```", "```python\ny = 2\n```\nDone **now**");
    assertThat(spans(TelegramMarkdown.render(parts.get(1)))).containsExactly("pre:y = 2@python", "bold:now");
  }

  @Test
  void partsWithClosedBlocksAreLeftAsTheyAre() {
    List<String> parts = List.of("```\na\n```\n", "~~~\n```\n~~~\ntext");
    assertThat(TelegramMarkdown.closeFences(parts)).isEqualTo(parts);
  }
}
