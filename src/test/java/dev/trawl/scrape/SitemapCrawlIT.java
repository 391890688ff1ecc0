package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.support.Jobs;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crawls seeded from sitemaps ({@code crawl.sitemaps: true}): robots.txt {@code Sitemap:} lines and
 * {@code /sitemap.xml}, plain, gzipped, text and index sitemaps, every URL still under the crawl's
 * rules, and sitemaps that are broken, huge or missing leaving the crawl to its links.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class SitemapCrawlIT {

    /** Each test has sites of its own: robots.txt and /sitemap.xml are per origin, and robots.txt is cached. */
    @RegisterExtension
    static final Sites SITES = new Sites();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Test
    void aSitemapXmlSeedsPagesTheStartPageNeverLinksTo() {
        StubSite site = SITES.site();
        site.html("/", page("home"));
        for (String path : List.of("/a", "/b", "/c")) {
            site.html(path, page(path));
        }
        site.reply("/sitemap.xml", xml(urlset(site, "/a", "/b", "/c")));

        String withoutSitemaps = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 10, "maxDepth", 2)));
        Jobs.awaitStatus(withoutSitemaps, "succeeded");
        assertThat(site.hits("/sitemap.xml")).as("read only when asked").isZero();
        assertThat(site.hits("/a")).isZero();

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 10, "maxDepth", 2, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(site.hits("/a")).isEqualTo(1);
        assertThat(site.hits("/b")).isEqualTo(1);
        assertThat(site.hits("/c")).isEqualTo(1);
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("total", equalTo(4))
                // pages come in the order they were stored: a sitemap's may end before the start page
                .body("pages.depth.sort()", equalTo(List.of(0, 1, 1, 1)));
        JsonNode event = sitemapsEvent(id);
        assertThat(event.path("sitemapsRead").asInt()).isEqualTo(1);
        assertThat(event.path("urls").asInt()).isEqualTo(3);
        assertThat(event.path("queued").asInt()).isEqualTo(3);
        assertThat(event.has("errors")).isFalse();
    }

    @Test
    void aGzippedSitemapNamedInRobotsTxtIsRead() {
        StubSite site = SITES.site();
        site.reply(
                "/robots.txt", text("User-agent: *\nDisallow: /private\nSitemap: " + site.url("/maps/pages.xml.gz")));
        site.reply(
                "/maps/pages.xml.gz",
                new StubSite.Reply(
                        200, "application/gzip", gzip(urlset(site, "/g1", "/g2", "/private/g3")), Map.of(), null));
        site.html("/", page("home")).html("/g1", page("g1")).html("/g2", page("g2"));
        site.html("/private/g3", page("g3"));

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 10, "maxDepth", 1, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(site.hits("/g1")).isEqualTo(1);
        assertThat(site.hits("/g2")).isEqualTo(1);
        assertThat(site.hits("/private/g3")).as("robots.txt still rules").isZero();
        JsonNode event = sitemapsEvent(id);
        assertThat(event.path("sitemapsRead").asInt()).isEqualTo(1);
        assertThat(codes(event))
                .as("/sitemap.xml is missing, and that is only reported")
                .containsExactly("http-404");
    }

    @Test
    void aSitemapIndexLeadsToTheSitemapsItListsXmlAndText() {
        StubSite site = SITES.site();
        site.reply("/sitemap.xml", xml("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                          <sitemap><loc>%s</loc></sitemap>
                          <sitemap><loc>%s</loc></sitemap>
                        </sitemapindex>""".formatted(site.url("/maps/one.xml"), site.url("/maps/two.txt"))));
        site.reply("/maps/one.xml", xml(urlset(site, "/i1", "/i2")));
        site.reply("/maps/two.txt", text(site.url("/t1") + "\n" + site.url("/t2") + "\n"));
        site.html("/", page("home"));
        for (String path : List.of("/i1", "/i2", "/t1", "/t2")) {
            site.html(path, page(path));
        }

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 10, "maxDepth", 1, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        for (String path : List.of("/i1", "/i2", "/t1", "/t2")) {
            assertThat(site.hits(path)).as(path).isEqualTo(1);
        }
        JsonNode event = sitemapsEvent(id);
        assertThat(event.path("sitemapsRead").asInt()).isEqualTo(3);
        assertThat(event.path("queued").asInt()).isEqualTo(4);
    }

    @Test
    void sitemapUrlsOutsideTheIncludePatternsOrOnAnotherHostAreNotVisited() {
        StubSite site = SITES.site();
        StubSite other = SITES.site("127.0.0.2"); // another host: a port of its own is still the same site
        other.html("/docs/elsewhere", page("elsewhere"));
        site.html("/docs/", page("docs")).html("/docs/1", page("1")).html("/docs/2", page("2"));
        site.html("/blog/x", page("x")).html("/docs/skip", page("skip"));
        site.reply(
                "/sitemap.xml",
                xml(urlset(site, "/docs/1", "/blog/x", "/docs/2", "/docs/skip")
                        .replace("</urlset>", "<url><loc>" + other.url("/docs/elsewhere") + "</loc></url></urlset>")));

        String id = Jobs.submit(crawl(
                site.url("/docs/"),
                Map.of(
                        "maxPages",
                        10,
                        "maxDepth",
                        1,
                        "include",
                        List.of("/docs/"),
                        "exclude",
                        List.of("/skip$"),
                        "sitemaps",
                        true)));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(site.hits("/docs/1")).isEqualTo(1);
        assertThat(site.hits("/docs/2")).isEqualTo(1);
        assertThat(site.hits("/blog/x")).as("not included").isZero();
        assertThat(site.hits("/docs/skip")).as("excluded").isZero();
        assertThat(other.hits("/docs/elsewhere")).as("another site").isZero();
        assertThat(other.hits("/robots.txt")).isZero();
        assertThat(sitemapsEvent(id).path("queued").asInt()).isEqualTo(2);
    }

    @Test
    void aSitemapListingMoreThanTheBudgetFetchesOnlyTheBudget() {
        StubSite site = SITES.site();
        site.html("/", page("home"));
        String[] paths = IntStream.range(0, 40).mapToObj(i -> "/many/" + i).toArray(String[]::new);
        for (String path : paths) {
            site.html(path, page(path));
        }
        site.reply("/sitemap.xml", xml(urlset(site, paths)));

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 5, "maxDepth", 1, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        long fetched = Arrays.stream(paths).filter(p -> site.hits(p) > 0).count();
        assertThat(fetched).isEqualTo(4);
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(5));
        assertThat(sitemapsEvent(id).path("queued").asInt())
                .as("the frontier keeps at most five times the remaining budget")
                .isLessThanOrEqualTo(5 * 5);
    }

    @Test
    void indexesNestedBeyondTheDepthBoundAreNotFollowed() {
        StubSite site = SITES.site();
        site.reply("/sitemap.xml", xml(index(site, "/idx/1.xml")));
        site.reply("/idx/1.xml", xml(index(site, "/idx/2.xml", "/idx/leaf.xml")));
        site.reply("/idx/2.xml", xml(index(site, "/idx/3.xml")));
        site.reply("/idx/3.xml", xml(urlset(site, "/too-deep")));
        site.reply("/idx/leaf.xml", xml(urlset(site, "/shallow")));
        site.html("/", page("home")).html("/shallow", page("shallow")).html("/too-deep", page("deep"));

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 10, "maxDepth", 1, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(site.hits("/shallow")).isEqualTo(1);
        assertThat(site.hits("/idx/3.xml"))
                .as("an index at the depth bound lists nothing we read")
                .isZero();
        assertThat(site.hits("/too-deep")).isZero();
        JsonNode event = sitemapsEvent(id);
        assertThat(event.path("sitemapsRead").asInt()).isEqualTo(4);
        assertThat(event.path("sitemapsNotRead").asInt()).isEqualTo(1);
    }

    @Test
    void noMoreSitemapsAreReadThanTheBoundAllows() {
        StubSite site = SITES.site();
        StringBuilder robots = new StringBuilder("User-agent: *\nAllow: /\n");
        for (int i = 0; i < 11; i++) {
            robots.append("Sitemap: ").append(site.url("/maps/" + i + ".xml")).append('\n');
            site.reply("/maps/" + i + ".xml", xml(urlset(site, "/listed/" + i)));
            site.html("/listed/" + i, page("listed " + i));
        }
        site.reply("/robots.txt", text(robots.toString()));
        site.reply("/sitemap.xml", xml(urlset(site, "/listed/last")));
        site.html("/", page("home"));

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 20, "maxDepth", 1, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(IntStream.range(0, 11).filter(i -> site.hits("/maps/" + i + ".xml") > 0))
                .as("trawl.sitemaps.max-sitemaps, 10, in the order robots.txt names them")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(site.hits("/sitemap.xml")).isZero();
        JsonNode event = sitemapsEvent(id);
        assertThat(event.path("sitemapsRead").asInt()).isEqualTo(10);
        assertThat(event.path("sitemapsNotRead").asInt()).isEqualTo(2);
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(11));
    }

    @Test
    void brokenHugeAndMissingSitemapsAreReportedAndTheCrawlGoesOnWithItsLinks() {
        StubSite site = SITES.site();
        site.reply(
                "/robots.txt",
                text("User-agent: *\nAllow: /\n"
                        + "Sitemap: " + site.url("/broken.xml") + "\n"
                        + "Sitemap: " + site.url("/huge.xml") + "\n"
                        + "Sitemap: " + site.url("/bomb.xml.gz") + "\n"
                        + "Sitemap: " + site.url("/gone.xml") + "\n"));
        // a "soft 404": the site answers 200 with a page, not a sitemap
        site.html("/broken.xml", "<html><body><h1>Page not found</h1></body></html>");
        site.reply("/huge.xml", xml(urlset(site, "/h") + " ".repeat(1_100_000)));
        byte[] bomb = gzip("<?xml version=\"1.0\"?>" + " ".repeat(3_000_000) + urlset(site, "/bombed"));
        assertThat(bomb.length)
                .as("small packed, three times the body bound unpacked")
                .isLessThan(20_000);
        site.reply("/bomb.xml.gz", new StubSite.Reply(200, "application/gzip", bomb, Map.of(), null));
        site.html("/", page("home", "/linked")).html("/linked", page("linked"));
        site.reply("/sitemap.xml", StubSite.status(500));

        String id = Jobs.submit(crawl(site.url("/"), Map.of("maxPages", 10, "maxDepth", 1, "sitemaps", true)));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(site.hits("/linked")).isEqualTo(1);
        assertThat(site.hits("/bombed")).isZero();
        JsonNode event = sitemapsEvent(id);
        assertThat(event.path("sitemapsRead").asInt()).isZero();
        assertThat(codes(event)).containsExactly("sitemap-unreadable", "oversize", "oversize", "http-404", "http-500");
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(2));
    }

    /** The data of the job's one {@code sitemaps} event. */
    private JsonNode sitemapsEvent(String id) {
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            List<SseClient.Event> sitemaps = sse.readToEnd(Duration.ofSeconds(30)).stream()
                    .filter(e -> e.type().equals("sitemaps"))
                    .toList();
            assertThat(sitemaps).hasSize(1);
            return JSON.readTree(sitemaps.get(0).data()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> codes(JsonNode event) {
        List<String> codes = new ArrayList<>();
        event.path("errors").forEach(error -> codes.add(error.path("code").asText()));
        return codes;
    }

    private static Map<String, Object> crawl(String url, Map<String, Object> crawl) {
        return Map.of("url", url, "formats", List.of("metadata"), "crawl", crawl);
    }

    private static String page(String title, String... links) {
        return "<html><head><title>" + title + "</title></head><body>"
                + Arrays.stream(links)
                        .map(l -> "<a href=\"" + l + "\">" + l + "</a>")
                        .collect(Collectors.joining(" "))
                + "</body></html>";
    }

    private static String urlset(StubSite site, String... paths) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + Arrays.stream(paths)
                        .map(p -> "<url><loc>" + site.url(p) + "</loc></url>")
                        .collect(Collectors.joining())
                + "</urlset>";
    }

    private static String index(StubSite site, String... paths) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + Arrays.stream(paths)
                        .map(p -> "<sitemap><loc>" + site.url(p) + "</loc></sitemap>")
                        .collect(Collectors.joining())
                + "</sitemapindex>";
    }

    private static StubSite.Reply xml(String body) {
        return new StubSite.Reply(200, "application/xml", body.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    private static StubSite.Reply text(String body) {
        return new StubSite.Reply(200, "text/plain", body.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    private static byte[] gzip(String body) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packed.toByteArray();
    }

    /** Stub sites on 127.0.0.1, each on a port (and so an origin) of its own, all closed after the class. */
    static final class Sites implements AfterAllCallback {

        private final List<StubSite> opened = new ArrayList<>();

        StubSite site() {
            return site("127.0.0.1");
        }

        synchronized StubSite site(String loopbackAddress) {
            StubSite site = new StubSite(loopbackAddress);
            opened.add(site);
            return site;
        }

        @Override
        public synchronized void afterAll(ExtensionContext context) {
            opened.forEach(StubSite::close);
        }
    }
}
