package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.trawl.support.Jobs;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Bounded crawls: budget, depth, patterns, site, de-duplication, failures and paging. */
@QuarkusTest
class CrawlIT {

    private static final StubSite SITE = new StubSite();
    private static final StubSite OTHER = new StubSite("127.0.0.2");
    private static final StubSite LIMITED = new StubSite("127.0.0.3");

    static {
        // read once per origin and cached for a day: set before any job of this class runs
        SITE.reply(
                "/robots.txt",
                new StubSite.Reply(
                        200,
                        "text/plain",
                        "User-agent: *\nDisallow: /robo/private\nDisallow: /forbidden-start\n".getBytes(),
                        Map.of(),
                        null));
    }

    @TestHTTPResource("/")
    URL base;

    @AfterAll
    static void stopSites() {
        SITE.close();
        OTHER.close();
        LIMITED.close();
    }

    private static String page(String title, String... links) {
        return "<html><head><title>" + title + "</title></head><body>"
                + java.util.Arrays.stream(links)
                        .map(l -> "<a href=\"" + l + "\">" + l + "</a>")
                        .collect(Collectors.joining(" "))
                + "</body></html>";
    }

    private static Map<String, Object> crawl(String url, Map<String, Object> crawl) {
        return Map.of("url", url, "formats", List.of("metadata", "links"), "crawl", crawl);
    }

    @Test
    void aCrawlStopsAtItsPageBudgetAndFetchesNoPageTwice() {
        // every page links to the next two, back to the start and to itself
        for (int i = 0; i < 30; i++) {
            SITE.html(
                    "/web/p" + i,
                    page("p" + i, "/web/p" + (i + 1), "/web/p" + (i + 2), "/web/p0", "/web/p" + i + "#top"));
        }
        String id = Jobs.submit(crawl(SITE.url("/web/p0"), Map.of("maxPages", 10, "maxDepth", 10)));
        Jobs.awaitStatus(id, "succeeded");

        Map<String, Integer> hits = SITE.allHits().entrySet().stream()
                .filter(e -> e.getKey().startsWith("/web/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(hits)
                .hasSize(10)
                .allSatisfy((path, count) -> assertThat(count).as(path).isEqualTo(1));
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(10));
        given().queryParam("limit", 1000)
                .when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("total", equalTo(10))
                .body("pages", hasSize(10));
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            List<SseClient.Event> events = sse.readToEnd(Duration.ofSeconds(30));
            assertThat(events.stream().filter(e -> e.type().equals("page"))).hasSize(10);
            assertThat(events.get(events.size() - 1).type()).isEqualTo("succeeded");
            assertThat(events.get(events.size() - 1).data()).contains("\"pages\":10");
        }
    }

    @Test
    void aCrawlGoesNoDeeperThanItsMaxDepth() {
        for (int i = 0; i < 6; i++) {
            SITE.html("/chain/" + i, page("c" + i, "/chain/" + (i + 1)));
        }
        String id = Jobs.submit(crawl(SITE.url("/chain/0"), Map.of("maxPages", 100, "maxDepth", 2)));
        Jobs.awaitStatus(id, "succeeded");
        assertThat(SITE.hits("/chain/2")).isEqualTo(1);
        assertThat(SITE.hits("/chain/3")).isZero();
        given().when().get("/v1/jobs/" + id + "/result").then().body("pages.depth", equalTo(List.of(0, 1, 2)));
    }

    @Test
    void includeAndExcludePatternsChooseWhichLinksAreFollowed() {
        SITE.html("/home", page("home", "/docs/a", "/docs/b", "/blog/x"));
        SITE.html("/docs/a", page("a")).html("/docs/b", page("b")).html("/blog/x", page("x"));
        String id = Jobs.submit(crawl(
                SITE.url("/home"),
                Map.of("maxPages", 50, "maxDepth", 3, "include", List.of("/docs/"), "exclude", List.of("/docs/b$"))));
        Jobs.awaitStatus(id, "succeeded");
        assertThat(SITE.hits("/docs/a")).isEqualTo(1);
        assertThat(SITE.hits("/docs/b")).isZero();
        assertThat(SITE.hits("/blog/x")).isZero();
    }

    @Test
    void linksToAnotherSiteAreFollowedOnlyWhenAsked() {
        OTHER.html("/elsewhere", page("elsewhere"));
        SITE.html("/outbound", page("out", OTHER.url("/elsewhere")));
        String same = Jobs.submit(crawl(SITE.url("/outbound"), Map.of("maxPages", 5, "maxDepth", 1)));
        Jobs.awaitStatus(same, "succeeded");
        assertThat(OTHER.hits("/elsewhere")).isZero();

        String any = Jobs.submit(crawl(SITE.url("/outbound"), Map.of("maxPages", 5, "maxDepth", 1, "sameSite", false)));
        Jobs.awaitStatus(any, "succeeded");
        assertThat(OTHER.hits("/elsewhere")).isEqualTo(1);
    }

    @Test
    void aFailingPageIsRecordedAndTheCrawlGoesOn() {
        SITE.html("/mixed", page("mixed", "/mixed/ok", "/mixed/missing"));
        SITE.html("/mixed/ok", page("ok"));
        String id = Jobs.submit(crawl(SITE.url("/mixed"), Map.of("maxPages", 10, "maxDepth", 1)));
        Jobs.awaitStatus(id, "succeeded");
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(2));
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("total", equalTo(3))
                .body("pages.find { it.url.endsWith('/mixed/missing') }.error.code", equalTo("http-404"));
    }

    @Test
    void whenTheStartPageFailsTheCrawlFails() {
        String id = Jobs.submit(crawl(SITE.url("/no-start"), Map.of("maxPages", 10, "maxDepth", 2)));
        Jobs.awaitStatus(id, "failed");
        given().when().get("/v1/jobs/" + id).then().body("error.code", equalTo("http-404"));
    }

    @Test
    void pagesRobotsTxtDisallowsAreReportedAsSkippedAndNotFetched() {
        SITE.html("/robo/start", page("robo", "/robo/ok", "/robo/private/secret"));
        SITE.html("/robo/ok", page("ok")).html("/robo/private/secret", page("secret"));
        String id = Jobs.submit(crawl(SITE.url("/robo/start"), Map.of("maxPages", 10, "maxDepth", 1)));
        Jobs.awaitStatus(id, "succeeded");
        assertThat(SITE.hits("/robo/private/secret")).isZero();
        assertThat(SITE.hits("/robo/ok")).isEqualTo(1);
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages.find { it.url.endsWith('/robo/private/secret') }.skipped", equalTo("robots.txt"));
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.readToEnd(Duration.ofSeconds(30)))
                    .anySatisfy(e -> assertThat(e.data())
                            .contains("\"skipped\":\"robots.txt\"")
                            .contains("/robo/private/secret"));
        }
    }

    @Test
    void aJobWhoseFirstPageRobotsTxtDisallowsFailsPermanently() {
        SITE.html("/forbidden-start", page("no"));
        String single = Jobs.submit(SITE.url("/forbidden-start"));
        String crawl = Jobs.submit(crawl(SITE.url("/forbidden-start"), Map.of("maxPages", 5, "maxDepth", 1)));
        Jobs.awaitStatus(single, "failed");
        Jobs.awaitStatus(crawl, "failed");
        given().when()
                .get("/v1/jobs/" + single)
                .then()
                .body("error.code", equalTo("robots-disallowed"))
                .body("error.transient", equalTo(false));
        given().when().get("/v1/jobs/" + crawl).then().body("error.code", equalTo("robots-disallowed"));
        assertThat(SITE.hits("/forbidden-start")).isZero();
    }

    @Test
    void aJobThatIgnoresRobotsTxtFetchesWhatItDisallows() {
        SITE.html("/robo/private/ignored", page("ignored"));
        String id = Jobs.submit(Map.of("url", SITE.url("/robo/private/ignored"), "respectRobots", false));
        Jobs.awaitStatus(id, "succeeded");
        assertThat(SITE.hits("/robo/private/ignored")).isEqualTo(1);
    }

    @Test
    void aSitesProfileLimitsHowManyOfItsPagesAreFetchedAtOnce() {
        String[] links = IntStream.range(0, 16).mapToObj(i -> "/slow/" + i).toArray(String[]::new);
        LIMITED.html("/slow", page("slow", links));
        for (String link : links) {
            LIMITED.html(link, page(link)).latency(link, Duration.ofMillis(150));
        }
        // two crawls at once, each fetching up to 8 pages in parallel: the profile allows 2 in flight in all
        String first = Jobs.submit(crawl(LIMITED.url("/slow"), Map.of("maxPages", 17, "maxDepth", 1)));
        String second = Jobs.submit(Map.of(
                "url",
                LIMITED.url("/slow"),
                "formats",
                List.of("links"),
                "crawl",
                Map.of("maxPages", 17, "maxDepth", 1),
                "selectors",
                Map.of("t", "title")));
        Jobs.awaitStatus(first, "succeeded");
        Jobs.awaitStatus(second, "succeeded");
        assertThat(LIMITED.maxInFlight()).isEqualTo(2);
    }

    @Test
    void theResultOfALargeCrawlIsReadInPages() {
        String[] links = IntStream.range(0, 12).mapToObj(i -> "/many/" + i).toArray(String[]::new);
        SITE.html("/many", page("many", links));
        for (String link : links) {
            SITE.html(link, page(link));
        }
        String id = Jobs.submit(crawl(SITE.url("/many"), Map.of("maxPages", 13, "maxDepth", 1)));
        Jobs.awaitStatus(id, "succeeded");
        List<String> first = given().queryParam("offset", 0)
                .queryParam("limit", 5)
                .when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("total", equalTo(13))
                .extract()
                .path("pages.url");
        List<String> second = given().queryParam("offset", 5)
                .queryParam("limit", 5)
                .when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .extract()
                .path("pages.url");
        assertThat(first).hasSize(5);
        assertThat(second).hasSize(5).doesNotContainAnyElementsOf(first);
    }
}
