package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A crawl whose pages mostly fail is aborted; a site whose fetches mostly fail is paused for every worker. */
@QuarkusTest
class AbortPolicyIT {

    private static final StubSite SITE = new StubSite();

    @TestHTTPResource("/")
    URL base;

    @Inject
    SiteHealth siteHealth;

    @Inject
    AbortConfig abortConfig;

    @Inject
    SitePoliteness politeness;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static String linksTo(String prefix, int count) {
        return "<html><head><title>start</title></head><body>"
                + IntStream.range(0, count)
                        .mapToObj(i -> "<a href=\"" + prefix + i + "\">" + i + "</a>")
                        .collect(Collectors.joining(" "))
                + "</body></html>";
    }

    private static Map<String, Object> crawl(String url) {
        return Map.of(
                "url", url, "formats", List.of("metadata", "links"), "crawl", Map.of("maxPages", 100, "maxDepth", 1));
    }

    private static int hitsUnder(String prefix) {
        return SITE.allHits().entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    @Test
    void aCrawlWhosePagesMostlyFailIsAbortedBeforeItFetchesTheWholeSite() {
        // 40 linked pages, 30 of which answer 404: only every fourth page exists
        SITE.html("/dead/start", linksTo("/dead/p", 40));
        for (int i = 0; i < 40; i += 4) {
            SITE.html("/dead/p" + i, "<title>p" + i + "</title>");
        }
        String id = Jobs.submit(crawl(SITE.url("/dead/start")));

        Jobs.awaitStatus(id, "aborted");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("too-many-failures"))
                .body("error.samples", equalTo(10));
        assertThat(hitsUnder("/dead/p")).isLessThan(40);
        // what the aborted crawl stored, its failed pages included, stays readable
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body("status", equalTo("aborted"))
                .body("pages.find { it.url.endsWith('/dead/start') }.title", equalTo("start"));
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            List<SseClient.Event> events = sse.readToEnd(Duration.ofSeconds(30));
            SseClient.Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("aborted");
            JsonObject data = new JsonObject(last.data()).getJsonObject("data");
            assertThat(data.getString("reason")).contains("of the last 10 pages failed");
            assertThat(data.getDouble("failureRate")).isGreaterThan(0.5);
            assertThat(data.getInteger("samples")).isEqualTo(10);
        }
    }

    @Test
    void aCrawlWithAFewFailingPagesSucceeds() {
        // 30 linked pages, 2 of which answer 404
        SITE.html("/few/start", linksTo("/few/p", 30));
        for (int i = 0; i < 30; i++) {
            if (i != 7 && i != 19) {
                SITE.html("/few/p" + i, "<title>p" + i + "</title>");
            }
        }
        String id = Jobs.submit(crawl(SITE.url("/few/start")));

        Jobs.awaitStatus(id, "succeeded");
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(29));
        assertThat(hitsUnder("/few/p")).isEqualTo(30);
    }

    @Test
    void aSiteWhoseFetchesMostlyFailIsPausedForEveryWorkerAndIsolatedFailuresAreNot() {
        String sick = "sick.example";
        String healthy = "healthy.example";
        for (int i = 0; i < 9; i++) {
            assertThat(siteHealth.record(sick, true).await().atMost(Duration.ofSeconds(5)))
                    .as("failure %d", i + 1)
                    .isFalse();
        }
        assertThat(siteHealth.record(sick, true).await().atMost(Duration.ofSeconds(5)))
                .as("tenth failure")
                .isTrue();
        for (int i = 0; i < 60; i++) {
            boolean failed = i % 5 == 0;
            assertThat(siteHealth.record(healthy, failed).await().atMost(Duration.ofSeconds(5)))
                    .isFalse();
        }

        try (RedisCli redis = new RedisCli()) {
            long pausedUntil = Long.parseLong(
                    (String) redis.call("HGET", TestServices.KEY_PREFIX + "site:{" + sick + "}:pace", "paused-until"));
            // paused for the configured cool-down, measured on Redis's clock (allow a second of skew and run time)
            long cooldown = abortConfig.siteCooldown().toMillis();
            assertThat(pausedUntil).isGreaterThan(System.currentTimeMillis() + cooldown - 1_000);
            assertThat(redis.call("HGET", TestServices.KEY_PREFIX + "site:{" + healthy + "}:pace", "paused-until"))
                    .isNull();
        }
        AtomicReference<SitePermit> sickPermit = new AtomicReference<>();
        var waiting = politeness.acquire(sick).subscribe().with(sickPermit::set);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> sickPermit.get() == null);
        waiting.cancel();
        SitePermit healthyPermit = politeness.acquire(healthy).await().atMost(Duration.ofSeconds(5));
        healthyPermit.release().await().atMost(Duration.ofSeconds(5));
    }
}
