package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageExtractorTest {

    private final PageExtractor extractor = extractor(Map.of());

    private static PageExtractor extractor(Map<String, String> properties) {
        Map<String, String> all = new java.util.HashMap<>(properties);
        all.put("trawl.fetch.max-links", "3");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(FetchConfig.class)
                .withMapping(ExtractConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 100))
                .build();
        return new PageExtractor(
                config.getConfigMapping(FetchConfig.class), config.getConfigMapping(ExtractConfig.class));
    }

    private static FetchedPage page(String contentType, byte[] body) {
        return new FetchedPage("http://site.test/p", "http://site.test/dir/p", 200, contentType, body);
    }

    @Test
    void takesTitleDescriptionTextAndAbsoluteLinks() {
        String html = """
                <html><head><title> A title </title><meta name="description" content="Described"></head>
                <body><p>Hello <b>world</b></p><a href="../up">up</a><a href="/root#x">root</a>
                <a href="mailto:x@site.test">mail</a></body></html>""";
        ExtractedPage page = extractor.extract(page("text/html", html.getBytes(StandardCharsets.UTF_8)));
        assertThat(page.title()).isEqualTo("A title");
        assertThat(page.description()).isEqualTo("Described");
        assertThat(page.text()).contains("Hello world");
        assertThat(page.links()).containsExactly("http://site.test/up", "http://site.test/root");
    }

    @Test
    void decodesALatin1PageNamedByTheHeader() {
        byte[] body = "<title>Caf\u00e9 cr\u00e8me</title><p>na\u00efve</p>".getBytes(Charset.forName("ISO-8859-1"));
        ExtractedPage page = extractor.extract(page("text/html; charset=ISO-8859-1", body));
        assertThat(page.title()).isEqualTo("Caf\u00e9 cr\u00e8me");
        assertThat(page.text()).contains("na\u00efve");
    }

    @Test
    void decodesAPageWhoseCharsetIsOnlyInItsMetaTag() {
        byte[] body = "<html><head><meta charset=\"windows-1252\"><title>\u201cQuoted\u201d</title></head></html>"
                .getBytes(Charset.forName("windows-1252"));
        assertThat(extractor.extract(page("text/html", body)).title()).isEqualTo("\u201cQuoted\u201d");
    }

    @Test
    void copesWithMalformedHtml() {
        String html = "<title>Broken<body><p>unclosed <div><a href=/ok>link<p>more</table></b>";
        ExtractedPage page = extractor.extract(page("text/html", html.getBytes(StandardCharsets.UTF_8)));
        assertThat(page.title()).isEqualTo("Broken");
        assertThat(page.text()).contains("unclosed").contains("more");
        assertThat(page.links()).containsExactly("http://site.test/ok");
    }

    @Test
    void keepsAtMostTheConfiguredNumberOfDistinctLinks() {
        String html = "<a href=/1>1</a><a href=/1>again</a><a href=/2>2</a><a href=/3>3</a><a href=/4>4</a>";
        assertThat(extractor
                        .extract(page("text/html", html.getBytes(StandardCharsets.UTF_8)))
                        .links())
                .containsExactly("http://site.test/1", "http://site.test/2", "http://site.test/3");
    }

    @Test
    void doesNotParseContentThatIsNotHtml() {
        ExtractedPage page = extractor.extract(page("application/pdf", new byte[] {37, 80, 68, 70}));
        assertThat(page.title()).isNull();
        assertThat(page.links()).isEmpty();
    }

    @Test
    void aFieldBeyondItsBoundIsCutAndNamedAsTruncated() {
        PageExtractor bounded =
                extractor(Map.of("trawl.extract.max-field-chars", "10", "trawl.extract.max-field-values", "3"));
        String html = "<h1>" + "T".repeat(30) + "</h1><ul>" + "<li>item</li>".repeat(5) + "</ul><p>ok</p>";
        Map<String, FieldSelector> selectors = new java.util.LinkedHashMap<>();
        selectors.put("heading", new FieldSelector("h1", null, false));
        selectors.put("items", new FieldSelector("li", null, true));
        selectors.put("short", new FieldSelector("p", null, false));

        ExtractedPage page = bounded.extract(
                page("text/html", html.getBytes(StandardCharsets.UTF_8)),
                new ExtractionRequest(java.util.Set.of("metadata"), selectors, false));

        assertThat(page.fields())
                .containsEntry("heading", "T".repeat(10))
                .containsEntry("items", java.util.List.of("item", "item", "it"))
                .containsEntry("short", "ok");
        assertThat(page.metadata()).containsEntry("truncated", java.util.List.of("fields.heading", "fields.items"));
    }

    @Test
    void aPageBeyondItsBoundKeepsOnlyWhatFitsAndSaysWhatWasCut() {
        PageExtractor bounded = extractor(Map.of("trawl.extract.max-page-chars", "100"));
        String html = "<title>t</title><p>" + "word ".repeat(30) + "</p><b>\uD83D\uDE00</b>";

        ExtractedPage page = bounded.extract(
                page("text/html", html.getBytes(StandardCharsets.UTF_8)),
                new ExtractionRequest(java.util.Set.of("text", "markdown", "html"), Map.of(), false));

        assertThat(page.text()).startsWith("word word").hasSizeLessThanOrEqualTo(100);
        assertThat(page.text().length() + page.markdown().length() + page.html().length())
                .isLessThanOrEqualTo(100);
        assertThat(page.html()).isEmpty();
        assertThat(page.metadata()).containsEntry("truncated", java.util.List.of("text", "markdown", "html"));
    }

    @Test
    void aPageWithinItsBoundsIsNotMarked() {
        ExtractedPage page = extractor.extract(page("text/html", "<p>short</p>".getBytes(StandardCharsets.UTF_8)));

        assertThat(page.metadata()).doesNotContainKey("truncated");
    }
}
