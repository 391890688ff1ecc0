package dev.trawl.scrape;

import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Turns a fetched page into the formats a job asked for, with jsoup (and flexmark for markdown).
 * The charset comes from the Content-Type header, else the page's meta tag or byte-order mark
 * (jsoup's detection), else a sniff: bytes that are not valid UTF-8 are read as windows-1252.
 * Output is bounded ({@link ExtractConfig}): selector fields, then text, markdown, the main
 * content's text and markdown ({@link MainContentReader}) and html take what is left of the page's
 * budget, and whatever was cut is named in the metadata's {@code truncated}. CPU-bound: callers
 * run it off the event loop.
 */
@ApplicationScoped
public class PageExtractor {

    private static final Pattern CHARSET = Pattern.compile("charset=\"?([^\";\\s]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern META_CHARSET = Pattern.compile("<meta[^>]+charset", Pattern.CASE_INSENSITIVE);
    // Parsed once: a query string given to select() is parsed again on every call.
    private static final Evaluator INVISIBLE = QueryParser.parse("script, style, noscript, template");
    private static final Evaluator OG_TITLE = QueryParser.parse("meta[property=og:title]");
    private static final Evaluator DESCRIPTION = QueryParser.parse("meta[name=description]");
    private static final Evaluator OG_DESCRIPTION = QueryParser.parse("meta[property=og:description]");
    private static final Evaluator CANONICAL = QueryParser.parse("link[rel=canonical][href]");
    private static final Evaluator LANG = QueryParser.parse("html[lang]");
    private static final Evaluator CONTENT_LANGUAGE = QueryParser.parse("meta[http-equiv=content-language]");
    private static final Evaluator LINKS = QueryParser.parse("a[href]");
    private static final Evaluator IMAGES = QueryParser.parse("img[src]");

    private static final FlexmarkHtmlConverter MARKDOWN = FlexmarkHtmlConverter.builder(
                    new com.vladsch.flexmark.util.data.MutableDataSet()
                            .set(FlexmarkHtmlConverter.SETEXT_HEADINGS, false))
            .build();

    private static final MainContentReader MAIN_CONTENT = new MainContentReader(MARKDOWN);

    private final FetchConfig config;
    private final ExtractConfig limits;

    public PageExtractor(FetchConfig config, ExtractConfig limits) {
        this.config = config;
        this.limits = limits;
    }

    public ExtractedPage extract(FetchedPage page) {
        return extract(page, ExtractionRequest.EVERYTHING);
    }

    public ExtractedPage extract(FetchedPage page, ExtractionRequest request) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("statusCode", page.statusCode());
        metadata.put("finalUrl", page.finalUrl());
        metadata.put("contentType", page.contentType());
        metadata.put("contentLength", page.body().length);
        if (!page.isHtml()) {
            return new ExtractedPage(
                    metadata, null, null, List.of(), null, Map.of(), request.wants("main") ? MainContent.EMPTY : null);
        }
        Document doc = parse(page);
        metadata.put("title", title(doc));
        metadata.put("description", description(doc));
        metadata.put("canonical", canonical(doc));
        metadata.put("language", language(doc));
        List<String> links = request.wantsLinks() ? links(doc) : List.of();
        OutputBudget budget = new OutputBudget(limits.maxPageChars());
        Map<String, Object> fields = fields(doc, request.selectors(), budget);
        String html = request.wants("html") ? doc.outerHtml() : null;
        String text = null;
        String markdown = null;
        if (request.wants("text") || request.wants("markdown") || request.wants("main")) {
            doc.select(INVISIBLE).remove();
            text = request.wants("text")
                    ? budget.take("text", doc.body() == null ? "" : doc.body().text())
                    : null;
            markdown = request.wants("markdown") ? budget.take("markdown", markdown(doc)) : null;
        }
        MainContent main = request.wants("main") ? mainContent(doc, page.finalUrl(), budget) : null;
        html = budget.take("html", html);
        if (!budget.truncated().isEmpty()) {
            metadata.put("truncated", budget.truncated());
        }
        return new ExtractedPage(metadata, text, markdown, links, html, fields, main);
    }

    private static Document parse(FetchedPage page) {
        try {
            return Jsoup.parse(new ByteArrayInputStream(page.body()), charsetOf(page), page.finalUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String charsetOf(FetchedPage page) {
        String declared = charsetOf(page.contentType());
        if (declared != null) {
            return declared;
        }
        String head = new String(page.body(), 0, Math.min(page.body().length, 2048), StandardCharsets.ISO_8859_1);
        if (META_CHARSET.matcher(head).find() || hasBom(page.body()) || isUtf8(page.body())) {
            return null; // jsoup reads the meta tag or BOM, and defaults to UTF-8
        }
        return "windows-1252";
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
            return null;
        }
    }

    private static boolean hasBom(byte[] body) {
        return body.length >= 2
                && ((body[0] == (byte) 0xEF && body.length >= 3 && body[1] == (byte) 0xBB)
                        || (body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                        || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE));
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String title(Document doc) {
        String title = doc.title();
        return !title.isBlank() ? title.trim() : meta(doc, OG_TITLE);
    }

    private static String description(Document doc) {
        String description = meta(doc, DESCRIPTION);
        return description != null ? description : meta(doc, OG_DESCRIPTION);
    }

    private static String canonical(Document doc) {
        Element link = doc.selectFirst(CANONICAL);
        return link == null ? null : CanonicalUrl.of(link.absUrl("href")).orElse(null);
    }

    private static String language(Document doc) {
        Element html = doc.selectFirst(LANG);
        if (html != null && !html.attr("lang").isBlank()) {
            return html.attr("lang").trim();
        }
        return meta(doc, CONTENT_LANGUAGE);
    }

    private static String meta(Document doc, Evaluator selector) {
        Element element = doc.selectFirst(selector);
        if (element == null) {
            return null;
        }
        String content = element.attr("content").trim();
        return content.isEmpty() ? null : content;
    }

    private static String markdown(Document doc) {
        Element body = doc.body();
        if (body == null) {
            return "";
        }
        absolutise(doc);
        return MARKDOWN.convert(body).trim();
    }

    /**
     * Markdown read outside the page has no base URL: links and images are made absolute first (by
     * jsoup, which keeps a URL's port; Readability's own rewriting drops it).
     */
    private static void absolutise(Document doc) {
        Element body = doc.body();
        if (body != null) {
            body.select(LINKS).forEach(a -> a.attr("href", a.absUrl("href")));
            body.select(IMAGES).forEach(img -> img.attr("src", img.absUrl("src")));
        }
    }

    /** Last of the formats read from the document: Readability rewrites it. */
    private static MainContent mainContent(Document doc, String url, OutputBudget budget) {
        absolutise(doc);
        MainContent main = MAIN_CONTENT.read(doc, url);
        return new MainContent(budget.take("main.text", main.text()), budget.take("main.markdown", main.markdown()));
    }

    private Map<String, Object> fields(Document doc, Map<String, FieldSelector> selectors, OutputBudget budget) {
        Map<String, Object> fields = new LinkedHashMap<>();
        selectors.forEach((name, spec) -> {
            // the API refuses these; a job queued before it did still must not run one
            SelectorRegexes.find(spec.selector()).ifPresent(part -> {
                throw new IllegalArgumentException("selector " + name + " uses " + part + ", which is not supported");
            });
            String part = "fields." + name;
            Elements matches = doc.select(spec.selector());
            if (spec.all()) {
                List<String> values = new ArrayList<>();
                long fieldLeft = limits.maxFieldChars();
                for (Element match : matches) {
                    if (values.size() >= limits.maxFieldValues() || fieldLeft <= 0 || budget.remaining() <= 0) {
                        budget.markTruncated(part);
                        break;
                    }
                    String value = budget.take(part, valueOf(match, spec.attr()), fieldLeft);
                    fieldLeft -= value.length();
                    values.add(value);
                }
                fields.put(name, values);
            } else {
                fields.put(
                        name,
                        matches.isEmpty()
                                ? null
                                : budget.take(part, valueOf(matches.first(), spec.attr()), limits.maxFieldChars()));
            }
        });
        return fields;
    }

    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "poster", "cite", "data");

    private static String valueOf(Element element, String attr) {
        if (attr == null || attr.isBlank()) {
            return element.text();
        }
        String name = attr.trim();
        return URL_ATTRIBUTES.contains(name.toLowerCase()) ? element.absUrl(name) : element.attr(name);
    }

    private List<String> links(Document doc) {
        Set<String> links = new LinkedHashSet<>();
        for (Element anchor : doc.select(LINKS)) {
            String href = anchor.absUrl("href");
            (config.stripTrackingParams() ? CanonicalUrl.withoutTracking(href) : CanonicalUrl.of(href))
                    .ifPresent(links::add);
            if (links.size() >= config.maxLinks()) {
                break;
            }
        }
        return List.copyOf(links);
    }
}
