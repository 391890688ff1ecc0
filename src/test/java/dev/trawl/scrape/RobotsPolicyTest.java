package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pure parts of robots.txt handling: our robot's name, an URL's origin, the cached form. */
class RobotsPolicyTest {

    @Test
    void ourRobotNameIsTheLowerCasedProductToken() {
        assertThat(RobotsPolicy.robotName("TrawlBot/0.1 (+https://example.org/bot)"))
                .isEqualTo("trawlbot");
        assertThat(RobotsPolicy.robotName("Trawl")).isEqualTo("trawl");
    }

    @Test
    void theOriginIsSchemeHostAndANonDefaultPort() {
        assertThat(RobotsPolicy.origin(URI.create("HTTPS://Example.ORG/a/b?c=d#e")))
                .isEqualTo("https://example.org");
        assertThat(RobotsPolicy.origin(URI.create("http://example.org:80/"))).isEqualTo("http://example.org");
        assertThat(RobotsPolicy.origin(URI.create("https://example.org:443/"))).isEqualTo("https://example.org");
        assertThat(RobotsPolicy.origin(URI.create("http://example.org:8080/x"))).isEqualTo("http://example.org:8080");
        assertThat(RobotsPolicy.origin(URI.create("http://[::1]:8080/x"))).isEqualTo("http://[::1]:8080");
    }

    @Test
    void onlyAbsoluteHttpUrlsHaveAnOrigin() {
        assertThatThrownBy(() -> RobotsPolicy.origin(URI.create("ftp://example.org/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RobotsPolicy.origin(URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCachedFileRoundTripsWithItsHash() {
        byte[] body = "User-agent: *\nDisallow: /x\n".getBytes(StandardCharsets.UTF_8);
        RobotsEntry entry = RobotsEntry.rules(body);

        RobotsEntry read = RobotsEntry.decode(entry.encode()).orElseThrow();

        assertThat(read.kind()).isEqualTo(RobotsEntry.Kind.RULES);
        assertThat(read.detail()).hasSize(64).isEqualTo(entry.detail());
        assertThat(read.body()).isEqualTo(body);
    }

    @Test
    void theHeaderAloneNamesTheVersion() {
        byte[] value = RobotsEntry.rules("User-agent: *\n".repeat(100).getBytes(StandardCharsets.UTF_8))
                .encode();
        byte[] header = java.util.Arrays.copyOf(value, RobotsEntry.HEADER_BYTES);

        assertThat(RobotsEntry.decode(header).orElseThrow().detail())
                .isEqualTo(RobotsEntry.decode(value).orElseThrow().detail());
    }

    @Test
    void markersRoundTripAndAnythingElseIsAMiss() {
        assertThat(RobotsEntry.decode(RobotsEntry.none().encode()).orElseThrow().kind())
                .isEqualTo(RobotsEntry.Kind.NONE);
        RobotsEntry error =
                RobotsEntry.decode(RobotsEntry.error("http-503").encode()).orElseThrow();
        assertThat(error.kind()).isEqualTo(RobotsEntry.Kind.ERROR);
        assertThat(error.detail()).isEqualTo("http-503");
        assertThat(RobotsEntry.decode(new byte[0])).isEmpty();
        assertThat(RobotsEntry.decode("rules\n".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(RobotsEntry.decode("v2 something\n".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
    }

    @Test
    void theRulesForOurRobotReadBackAsCrawlerCommonsParsedThem() {
        String robotsTxt = """
                User-agent: *
                Disallow: /

                User-agent: TrawlBot
                Disallow: /private
                Allow: /private/open$
                Disallow: /*.pdf$
                Crawl-delay: 3
                Sitemap: https://site.test/sitemap.xml
                """;
        SimpleRobotRules parsed = new SimpleRobotRulesParser()
                .parseContent(
                        "https://site.test/robots.txt",
                        robotsTxt.getBytes(StandardCharsets.UTF_8),
                        "text/plain",
                        java.util.List.of("trawlbot"));

        SimpleRobotRules read =
                StoredRobotsRules.decode(StoredRobotsRules.encode(parsed)).orElseThrow();

        for (String url : java.util.List.of(
                "https://site.test/",
                "https://site.test/private/x",
                "https://site.test/private/open",
                "https://site.test/private/open/more",
                "https://site.test/a.pdf",
                "https://site.test/a.pdf?x=1",
                "https://site.test/%7Euser")) {
            assertThat(read.isAllowed(url)).as(url).isEqualTo(parsed.isAllowed(url));
        }
        assertThat(read.getCrawlDelay()).isEqualTo(3000);
        assertThat(read.getSitemaps()).containsExactly("https://site.test/sitemap.xml");
        assertThat(new String(StoredRobotsRules.encode(parsed), StandardCharsets.UTF_8))
                .doesNotContain("User-agent");
    }

    @Test
    void onlyTheFirstSitemapLinesOfAReasonableLengthAreKept() {
        StringBuilder robotsTxt = new StringBuilder("User-agent: *\nDisallow: /private\n");
        robotsTxt.append("Sitemap: https://site.test/").append("x".repeat(3000)).append(".xml\n");
        for (int i = 0; i < 100; i++) {
            robotsTxt.append("Sitemap: https://site.test/sitemap-").append(i).append(".xml\n");
        }
        SimpleRobotRules parsed = new SimpleRobotRulesParser()
                .parseContent(
                        "https://site.test/robots.txt",
                        robotsTxt.toString().getBytes(StandardCharsets.UTF_8),
                        "text/plain",
                        java.util.List.of("trawlbot"));

        SimpleRobotRules read =
                StoredRobotsRules.decode(StoredRobotsRules.encode(parsed)).orElseThrow();

        assertThat(read.getSitemaps())
                .hasSize(StoredRobotsRules.MAX_SITEMAPS)
                .startsWith("https://site.test/sitemap-0.xml")
                .allSatisfy(url -> assertThat(url).hasSizeLessThan(100));
        assertThat(read.isAllowed("https://site.test/private/x")).isFalse();
    }

    @Test
    void allowAllAndAllowNoneRulesReadBackAsSuch() {
        SimpleRobotRules all = new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL);
        SimpleRobotRules none = new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE);

        assertThat(StoredRobotsRules.decode(StoredRobotsRules.encode(all))
                        .orElseThrow()
                        .isAllowAll())
                .isTrue();
        assertThat(StoredRobotsRules.decode(StoredRobotsRules.encode(none))
                        .orElseThrow()
                        .isAllowNone())
                .isTrue();
        assertThat(StoredRobotsRules.decode("User-agent: *\nDisallow: /\n".getBytes(StandardCharsets.UTF_8)))
                .as("a raw file stored by an earlier version")
                .isEmpty();
    }
}
