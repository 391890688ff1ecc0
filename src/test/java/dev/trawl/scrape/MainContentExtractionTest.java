package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MainContentExtractionTest {

    /** An article between the kinds of noise real pages carry: menus, ads, a cookie banner, related links, a footer. */
    static final String ARTICLE_PAGE = """
            <!doctype html><html lang="en"><head><title>Tending a sourdough starter | The Bakery Blog</title>
            <script>window.tracker = "TRACKER-SCRIPT";</script></head>
            <body>
              <header><nav class="menu"><a href="/">Home</a> <a href="/shop">Shop</a> <a href="/about">About us</a>
                <a href="/contact">Contact</a> <a href="/login">Log in</a></nav></header>
              <div class="cookie-banner">We use cookies. ACCEPT-ALL-COOKIES</div>
              <aside class="sidebar ad"><div class="advertisement">BUY-CHEAP-FLOUR-NOW sponsored offer</div>
                <ul><li><a href="/p/1">Related: rye loaves</a></li><li><a href="/p/2">Related: baguettes</a></li></ul></aside>
              <main><article>
                <h1>Tending a sourdough starter</h1>
                <p>A sourdough starter is a living culture of wild yeast and lactic acid bacteria. Feeding it
                   flour and water every day keeps the culture active, and the rhythm of feeding decides how sour
                   the bread will taste when it is finally baked.</p>
                <p>Keep the starter in a glass jar at room temperature. Discard half of it before each feeding,
                   then add equal weights of flour and water, stir well and cover loosely so that gases escape.
                   After a week of regular feeding it doubles within a few hours and is ready to raise a loaf.</p>
                <p>If you bake only once a week, the starter can live in the refrigerator between bakes. Take it
                   out the day before, feed it twice, and it will be as lively as ever. See
                   <a href="/guides/feeding">our feeding guide</a> for a schedule.</p>
              </article></main>
              <footer class="footer"><p>COPYRIGHT-FOOTER 2026 The Bakery Blog</p><a href="/imprint">Imprint</a>
                <a href="/privacy">Privacy</a></footer>
            </body></html>""";

    private final PageExtractor extractor = extractor(Map.of());

    static PageExtractor extractor(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(FetchConfig.class)
                .withMapping(ExtractConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return new PageExtractor(
                config.getConfigMapping(FetchConfig.class), config.getConfigMapping(ExtractConfig.class));
    }

    private static FetchedPage page(String html) {
        return new FetchedPage(
                "http://site.test/blog/starter",
                "http://site.test/blog/starter",
                200,
                "text/html; charset=utf-8",
                html.getBytes(StandardCharsets.UTF_8));
    }

    private static ExtractionRequest formats(String... formats) {
        return new ExtractionRequest(Set.of(formats), Map.of(), false);
    }

    @Test
    void theMainContentIsTheArticleWithoutMenusAdsBannersOrFooter() {
        MainContent main =
                extractor.extract(page(ARTICLE_PAGE), formats("main")).main();

        assertThat(main.text())
                .contains("A sourdough starter is a living culture")
                .contains("Keep the starter in a glass jar")
                .contains("our feeding guide")
                .doesNotContain("About us", "Log in", "ACCEPT-ALL-COOKIES", "BUY-CHEAP-FLOUR-NOW")
                .doesNotContain("Related: rye loaves", "COPYRIGHT-FOOTER", "Imprint", "TRACKER-SCRIPT");
        assertThat(main.markdown())
                .contains("A sourdough starter is a living culture")
                .contains("[our feeding guide](http://site.test/guides/feeding)")
                .doesNotContain("COPYRIGHT-FOOTER", "BUY-CHEAP-FLOUR-NOW", "[Shop]");
    }

    @Test
    void linksOfTheMainContentKeepThePortOfThePagesUrl() {
        FetchedPage onAPort = new FetchedPage(
                "http://site.test:8081/blog/starter",
                "http://site.test:8081/blog/starter",
                200,
                "text/html",
                ARTICLE_PAGE.getBytes(StandardCharsets.UTF_8));

        assertThat(extractor.extract(onAPort, formats("main")).main().markdown())
                .contains("[our feeding guide](http://site.test:8081/guides/feeding)");
    }

    @Test
    void theWholePageTextStillHasTheNoiseTheMainContentLeavesOut() {
        ExtractedPage page = extractor.extract(page(ARTICLE_PAGE), formats("text", "main"));

        assertThat(page.text()).contains("COPYRIGHT-FOOTER", "A sourdough starter is a living culture");
        assertThat(page.main().text()).doesNotContain("COPYRIGHT-FOOTER");
    }

    @Test
    void aPageWithoutContentHasAnEmptyMainContentNotAFailure() {
        ExtractedPage page = extractor.extract(
                page("<html><head><title>Nothing</title></head><body></body></html>"), formats("main"));

        assertThat(page.main()).isEqualTo(MainContent.EMPTY);
        assertThat(page.title()).isEqualTo("Nothing");
    }

    @Test
    void aBodyThatIsNotHtmlHasAnEmptyMainContent() {
        FetchedPage json = new FetchedPage(
                "http://site.test/a.json", "http://site.test/a.json", 200, "application/json", "{}".getBytes());

        assertThat(extractor.extract(json, formats("main")).main()).isEqualTo(MainContent.EMPTY);
    }

    @Test
    void theMainContentIsOnlyReadWhenAskedFor() {
        assertThat(extractor
                        .extract(page(ARTICLE_PAGE), formats("text", "markdown"))
                        .main())
                .isNull();
    }

    @Test
    void theMainContentIsCutToWhatIsLeftOfThePageBudgetAndSaysSo() {
        PageExtractor small = extractor(Map.of("trawl.extract.max-page-chars", "120"));

        ExtractedPage page = small.extract(page(ARTICLE_PAGE), formats("metadata", "main"));

        assertThat(page.main().text()).hasSize(120);
        assertThat(page.main().markdown()).isEmpty();
        assertThat(page.metadata().get("truncated")).isEqualTo(java.util.List.of("main.text", "main.markdown"));
    }
}
