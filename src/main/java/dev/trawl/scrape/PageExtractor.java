package dev.trawl.scrape;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Title, description, text and links of an HTML page, with jsoup. The charset comes from the
 * Content-Type header, else from the page's meta tag or byte-order mark (jsoup's detection).
 * CPU-bound: callers run it off the event loop.
 */
@ApplicationScoped
public class PageExtractor {

    private static final Pattern CHARSET = Pattern.compile("charset=\"?([^\";\\s]+)", Pattern.CASE_INSENSITIVE);

    private final FetchConfig config;

    public PageExtractor(FetchConfig config) {
        this.config = config;
    }

    public ExtractedPage extract(FetchedPage page) {
        if (!page.isHtml()) {
            return new ExtractedPage(null, null, null, List.of());
        }
        Document doc = parse(page);
        return new ExtractedPage(title(doc), description(doc), doc.body() == null ? "" : doc.body().text(), links(doc));
    }

    private static Document parse(FetchedPage page) {
        try {
            return Jsoup.parse(new ByteArrayInputStream(page.body()), charsetOf(page.contentType()), page.finalUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = CHARSET.matcher(contentType);
        if (!m.find()) {
            return null;
        }
        try {
            return Charset.forName(m.group(1).trim()).name();
        } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            return null; // let jsoup detect it from the page
        }
    }

    private static String title(Document doc) {
        String title = doc.title();
        if (!title.isBlank()) {
            return title.trim();
        }
        String og = meta(doc, "meta[property=og:title]");
        return og != null ? og : null;
    }

    private static String description(Document doc) {
        String description = meta(doc, "meta[name=description]");
        return description != null ? description : meta(doc, "meta[property=og:description]");
    }

    private static String meta(Document doc, String selector) {
        Element element = doc.selectFirst(selector);
        if (element == null) {
            return null;
        }
        String content = element.attr("content").trim();
        return content.isEmpty() ? null : content;
    }

    private List<String> links(Document doc) {
        Set<String> links = new LinkedHashSet<>();
        for (Element anchor : doc.select("a[href]")) {
            String absolute = anchor.absUrl("href");
            CanonicalUrl.of(absolute).ifPresent(links::add);
            if (links.size() >= config.maxLinks()) {
                break;
            }
        }
        return List.copyOf(links);
    }
}
