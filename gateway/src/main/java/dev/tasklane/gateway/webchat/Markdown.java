package dev.tasklane.gateway.webchat;

import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Agents answer in Markdown; the web chat shows it rendered, safely. commonmark-java parses it
 * (CommonMark plus GitHub's tables and strikethrough; a line break stays a line break, as in chat
 * apps, so plain command output keeps its lines) and renders HTML in which any HTML the text
 * contains is escaped, link targets other than http(s), mailto and relative ones are dropped, links
 * open in a new tab without access to the page, and images become links (a result must not make the
 * browser fetch from anywhere by itself).
 */
public final class Markdown {
  private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create(), StrikethroughExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
  private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS)
      .softbreak("<br>\n") // a line break stays one, as in chat apps: command output keeps its lines
      .escapeHtml(true)
      .sanitizeUrls(true)
      .urlSanitizer(new DefaultUrlSanitizer(List.of("http", "https", "mailto")))
      .attributeProviderFactory(context -> (node, tag, attributes) -> {
        if (node instanceof Link) {
          attributes.put("target", "_blank");
          attributes.put("rel", "noopener noreferrer nofollow");
        }
      })
      .build();

  private Markdown() {}

  /** The text as HTML that is safe to insert into the page. */
  public static String toHtml(String markdown) {
    Node document = PARSER.parse(markdown);
    document.accept(new ImagesAsLinks());
    return RENDERER.render(document);
  }

  /** Replaces each image with a link to it, its alt text (or its address) as the link's text. */
  private static final class ImagesAsLinks extends AbstractVisitor {
    @Override
    public void visit(Image image) {
      Link link = new Link(image.getDestination(), image.getTitle());
      Node child = image.getFirstChild();
      if (child == null) link.appendChild(new Text(image.getDestination()));
      while (child != null) {
        Node next = child.getNext();
        link.appendChild(child);
        child = next;
      }
      image.insertBefore(link);
      image.unlink();
    }
  }
}
