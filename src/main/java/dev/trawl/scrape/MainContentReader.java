package dev.trawl.scrape;

import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import net.dankito.readability4j.Article;
import net.dankito.readability4j.extended.Readability4JExtended;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Finds the main content of an article-like page with Readability4J (a port of Mozilla's
 * Readability, the reader view of Firefox) and gives it as text and as markdown. Readability
 * scores the page's blocks by their text and links and keeps the best one with its siblings; a page
 * where it finds nothing (no body, no text) yields {@link MainContent#EMPTY}. It rewrites the
 * document it is given, so it runs after every other format was taken from it.
 */
final class MainContentReader {

    private final FlexmarkHtmlConverter markdown;

    MainContentReader(FlexmarkHtmlConverter markdown) {
        this.markdown = markdown;
    }

    MainContent read(Document doc, String url) {
        if (doc.body() == null || doc.body().text().isBlank()) {
            return MainContent.EMPTY;
        }
        Article article = new Readability4JExtended(url, doc).parse();
        Element content = article.getArticleContent();
        if (content == null) {
            return MainContent.EMPTY;
        }
        String text = content.text().trim();
        if (text.isEmpty()) {
            return MainContent.EMPTY;
        }
        // the converter looks at an element's parent: the detached article gets a body of its own
        // (Readability made its links and images absolute against the page's URL already)
        Document holder = Document.createShell(url);
        holder.body().appendChild(content);
        return new MainContent(text, markdown.convert(holder.body()).trim());
    }
}
