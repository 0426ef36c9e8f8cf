package dev.tasklane.telegram;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Block;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.CustomNode;
import org.commonmark.node.Document;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;

/**
 * Agents answer in Markdown; Telegram shows it formatted, as the web chat does. commonmark-java
 * parses the text (CommonMark plus GitHub's tables and strikethrough, as the web chat) and it goes
 * to Telegram as plain text with entities (bold, italic, code, pre with its language, links,
 * quotes), never with a parse mode: no character of the text can fail to parse. Raw HTML shows as
 * written; a line break stays one (command output keeps its lines); lists get bullets or their
 * numbers; a table becomes a block of aligned columns under its header; a link other than http(s)
 * shows its address after its text. Entity offsets count UTF-16 code units, as Java's strings and
 * Telegram do.
 */
final class TelegramMarkdown {
  /** The text Telegram shows and the entities that format it. */
  record Formatted(String text, List<MessageEntity> entities) {}

  private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create(), StrikethroughExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();

  /**
   * Room left in each part of a long text for {@link #closeFences}: a fence closed at a part's end
   * and opened again, with its language, at the next one's start. (Fences of up to 8 backticks or
   * tildes are mended so; a longer one cut between parts shows its rest as text.)
   */
  static final int FENCE_ROOM = 40;
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,8}(?!`)|~{3,8}(?!~))\\s*(\\S{0,20})");

  private TelegramMarkdown() {}

  /**
   * A long text's parts, each whole Markdown: where a part ends inside a code block, the block is
   * closed there and opened again, with its language, at the start of the next part. (Each part is
   * rendered alone; the rest of the block would otherwise show as text, and the text after it as code.)
   */
  static List<String> closeFences(List<String> parts) {
    List<String> out = new ArrayList<>();
    String reopen = "";
    for (String part : parts) {
      String text = reopen + part;
      String open = null;
      String openLine = "";
      for (String line : text.split("\n", -1)) {
        Matcher m = FENCE.matcher(line);
        if (!m.find()) continue;
        String marker = m.group(1);
        if (open == null) {
          open = marker;
          openLine = marker + m.group(2);
        } else if (marker.charAt(0) == open.charAt(0) && marker.length() >= open.length()
            && line.strip().equals(marker)) {
          open = null;
        }
      }
      if (open != null) text = text + (text.endsWith("\n") ? "" : "\n") + open;
      reopen = open == null ? "" : openLine + "\n";
      out.add(text);
    }
    return out;
  }

  static Formatted render(String markdown) {
    Writer w = new Writer();
    PARSER.parse(markdown).accept(w);
    String text = w.out.toString();
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
    List<MessageEntity> entities = new ArrayList<>();
    for (MessageEntity e : w.entities) {
      int length = Math.min(e.getOffset() + e.getLength(), end) - e.getOffset();
      if (length <= 0) continue; // Telegram refuses an empty entity
      e.setLength(length);
      entities.add(e);
    }
    return new Formatted(text.substring(0, end), entities);
  }

  /** Writes the text and collects entities in document order (an outer one before those inside it). */
  private static final class Writer extends AbstractVisitor {
    final StringBuilder out = new StringBuilder();
    final List<MessageEntity> entities = new ArrayList<>();
    /** How many entities other than a quote are open where the writer is. */
    private int insideFormatting;
    /** The list items' prefixes, outermost first: a nested item is indented under its parent's text. */
    private final List<String> indents = new ArrayList<>();

    /**
     * Starts a block on a line of its own: after a blank line, or a line break between the items of
     * a tight list and the blocks inside one of them; a container's first block starts where the
     * container does (an item's right after its bullet).
     */
    private void startBlock(Block block) {
      if (out.isEmpty()) return;
      Node at = block;
      if (block instanceof ListItem) {
        if (block.getPrevious() != null) {
          lineBreak(((ListBlock) block.getParent()).isTight());
          return;
        }
        at = block.getParent(); // a list's first item starts where the list does
      }
      Node parent = at.getParent();
      if (at.getPrevious() == null && !(parent instanceof Document)) return; // its container began the line
      lineBreak(parent instanceof ListItem item && ((ListBlock) item.getParent()).isTight());
    }

    /** One line break, or a blank line unless {@code tight}. */
    private void lineBreak(boolean tight) {
      if (!tight) out.append('\n');
      newline();
    }

    private void newline() {
      out.append('\n');
      indents.forEach(out::append);
    }

    /** Wraps what {@code body} writes in an entity of {@code type}. */
    private void entity(String type, String url, String language, Runnable body) {
      MessageEntity e = MessageEntity.builder().type(type).offset(out.length()).length(0).url(url).language(language)
          .build();
      entities.add(e);
      boolean quote = type.equals("blockquote");
      if (!quote) insideFormatting++;
      body.run();
      if (!quote) insideFormatting--;
      e.setLength(out.length() - e.getOffset());
    }

    /**
     * Code, or a code block: in an entity of its own, unless inside other formatting (bold, a link),
     * which Telegram does not let code be part of: there it is plain text of the formatting around it.
     */
    private void code(String type, String language, Runnable body) {
      if (insideFormatting > 0) body.run();
      else entity(type, null, language, body);
    }

    /** The text with its line breaks indented, inside a list item. */
    private void literal(String text) {
      String indent = String.join("", indents);
      out.append(indent.isEmpty() ? text : text.replace("\n", "\n" + indent));
    }

    @Override
    public void visit(Paragraph p) {
      startBlock(p);
      visitChildren(p);
    }

    @Override
    public void visit(Heading h) {
      startBlock(h);
      entity("bold", null, null, () -> visitChildren(h));
    }

    @Override
    public void visit(BlockQuote q) {
      startBlock(q);
      boolean nested = q.getParent() != null && hasQuoteAbove(q.getParent());
      if (nested) visitChildren(q); // Telegram has no quote in a quote
      else entity("blockquote", null, null, () -> visitChildren(q));
    }

    private static boolean hasQuoteAbove(Node node) {
      for (Node n = node; n != null; n = n.getParent()) {
        if (n instanceof BlockQuote) return true;
      }
      return false;
    }

    @Override
    public void visit(BulletList list) {
      items(list, null);
    }

    @Override
    public void visit(OrderedList list) {
      Integer start = list.getMarkerStartNumber();
      items(list, start == null ? 1 : start);
    }

    /** Each item after its bullet, or after its number counting from {@code first} (null: bullets). */
    private void items(ListBlock list, Integer first) {
      int number = first == null ? 0 : first;
      for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
        startBlock((Block) item);
        String marker = first != null ? (number++) + ". " : "• ";
        out.append(marker);
        indents.add(" ".repeat(marker.length()));
        visitChildren(item);
        indents.removeLast();
      }
    }

    @Override
    public void visit(FencedCodeBlock code) {
      String info = code.getInfo() == null ? "" : code.getInfo().strip();
      String language = info.isEmpty() ? null : info.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      pre(code, code.getLiteral(), language);
    }

    @Override
    public void visit(IndentedCodeBlock code) {
      pre(code, code.getLiteral(), null);
    }

    private void pre(Block block, String literal, String language) {
      startBlock(block);
      String body = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
      if (body.isEmpty()) body = " "; // an empty block still shows as one
      String text = body;
      code("pre", language, () -> literal(text));
    }

    @Override
    public void visit(HtmlBlock html) {
      startBlock(html);
      literal(html.getLiteral().stripTrailing());
    }

    @Override
    public void visit(ThematicBreak rule) {
      startBlock(rule);
      out.append("———");
    }

    @Override
    public void visit(CustomBlock block) {
      if (!(block instanceof TableBlock table)) {
        visitChildren(block);
        return;
      }
      startBlock(table);
      String rows = TableText.of(table);
      code("pre", null, () -> literal(rows));
    }

    @Override
    public void visit(Text text) {
      literal(text.getLiteral());
    }

    @Override
    public void visit(Code code) {
      code("code", null, () -> out.append(code.getLiteral()));
    }

    @Override
    public void visit(Emphasis e) {
      entity("italic", null, null, () -> visitChildren(e));
    }

    @Override
    public void visit(StrongEmphasis e) {
      entity("bold", null, null, () -> visitChildren(e));
    }

    @Override
    public void visit(CustomNode node) {
      if (node instanceof Strikethrough) entity("strikethrough", null, null, () -> visitChildren(node));
      else visitChildren(node);
    }

    @Override
    public void visit(Link link) {
      link(link, link.getDestination());
    }

    /** An image is a link to it, its alt text the link's: a text message cannot hold a picture. */
    @Override
    public void visit(Image image) {
      link(image, image.getDestination());
    }

    private void link(Node node, String url) {
      boolean web = isWebAddress(url);
      int start = out.length();
      if (web) entity("text_link", url, null, () -> visitChildren(node));
      else visitChildren(node);
      if (out.length() == start) out.append(url); // no text of its own: its address
      else if (!web && !url.isEmpty() && !out.substring(start).equals(url)) out.append(" (").append(url).append(')');
    }

    /** An http(s) address with a host: what Telegram takes as a link's target. */
    private static boolean isWebAddress(String url) {
      try {
        URI uri = new URI(url);
        return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
            && uri.getHost() != null;
      } catch (URISyntaxException e) {
        return false;
      }
    }

    @Override
    public void visit(SoftLineBreak br) {
      newline();
    }

    @Override
    public void visit(HardLineBreak br) {
      newline();
    }

    @Override
    public void visit(HtmlInline html) {
      out.append(html.getLiteral());
    }
  }

  /**
   * A table's cells as plain text, each column padded to its widest cell, cells parted by " | ", the
   * header underlined.
   */
  private static final class TableText {
    static String of(TableBlock table) {
      List<List<String>> rows = new ArrayList<>();
      List<Integer> widths = new ArrayList<>();
      table.accept(new AbstractVisitor() {
        @Override
        public void visit(CustomNode node) {
          if (!(node instanceof TableCell cell)) {
            visitChildren(node);
            return;
          }
          if (cell.getPrevious() == null) rows.add(new ArrayList<>());
          Writer w = new Writer();
          cell.accept(w);
          String text = w.out.toString().replace('\n', ' ');
          List<String> row = rows.getLast();
          if (widths.size() <= row.size()) widths.add(0);
          widths.set(row.size(), Math.max(widths.get(row.size()), text.length()));
          row.add(text);
        }
      });
      StringBuilder out = new StringBuilder();
      for (List<String> row : rows) {
        if (!out.isEmpty()) out.append('\n');
        for (int i = 0; i < row.size(); i++) {
          String cell = i == row.size() - 1 ? row.get(i) : pad(row.get(i), widths.get(i));
          out.append(i == 0 ? "" : " | ").append(cell);
        }
        if (row == rows.getFirst()) { // the header, underlined
          out.append('\n');
          for (int i = 0; i < row.size(); i++) out.append(i == 0 ? "" : "-+-").append("-".repeat(widths.get(i)));
        }
      }
      return out.toString();
    }

    private static String pad(String s, int width) {
      return s + " ".repeat(width - s.length());
    }
  }
}
