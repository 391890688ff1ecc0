package dev.trawl.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.events.EventLog;
import dev.trawl.events.StoredEvent;
import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(JobTimeoutIT.ShortJobTimeout.class)
class JobTimeoutIT {

    /** A profile of its own, so no other test's job runs under a 2 s limit. */
    public static class ShortJobTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.jobs.timeout", "2S");
        }
    }

    private static final StubSite SITE = new StubSite();
    /** A site that asks for a second between requests, on an address of its own so its pace slows no other test. */
    private static final StubSite POLITE = new StubSite("127.0.0.10");

    static {
        POLITE.reply(
                "/robots.txt",
                new StubSite.Reply(200, "text/plain", "User-agent: *\nCrawl-delay: 1\n".getBytes(), Map.of(), null));
    }

    @Inject
    EventLog events;

    @AfterAll
    static void stopSite() {
        SITE.close();
        POLITE.close();
    }

    @Test
    void aJobRunningLongerThanTheTimeoutFailsAsJobTimeoutAndIsNotRetried() {
        CountDownLatch gate = SITE.gatedHtml("/stuck", "<html><body>late</body></html>");
        try {
            String id = Jobs.submit(SITE.url("/stuck"));
            Jobs.awaitStatus(id, "failed");

            given().when()
                    .get("/v1/jobs/" + id)
                    .then()
                    .statusCode(200)
                    .body("attempt", equalTo(1))
                    .body("error.code", equalTo("job-timeout"))
                    .body("error.transient", equalTo(false));
            assertThat(events.readAfter(UUID.fromString(id), "0-0", 100).await().atMost(Duration.ofSeconds(5)).stream()
                            .map(StoredEvent::type))
                    .containsExactly("queued", "started", "failed");
        } finally {
            gate.countDown();
        }
    }

    @Test
    void aCrawlLongerThanTheJobTimeoutAtTheSitesPaceSucceedsWhileItKeepsStoringPages() {
        for (int i = 0; i < 4; i++) {
            POLITE.html("/paced/" + i, "<html><body><a href=\"/paced/" + (i + 1) + "\">next</a></body></html>");
        }
        String id = Jobs.submit(Map.of("url", POLITE.url("/paced/0"), "crawl", Map.of("maxPages", 4, "maxDepth", 5)));
        Jobs.awaitStatus(id, "succeeded");

        List<Long> first = POLITE.arrivals("/paced/0");
        List<Long> last = POLITE.arrivals("/paced/3");
        assertThat(Duration.ofNanos(last.get(0) - first.get(0)))
                .as("the crawl ran longer than the 2 s job timeout")
                .isGreaterThan(Duration.ofSeconds(2));
        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(4));
    }

    @Test
    void theResultOfACrawlThatTimedOutServesThePagesItStored() {
        SITE.html(
                "/partial/start",
                "<html><head><title>start</title></head><body><a href=\"/partial/stuck\">stuck</a></body></html>");
        CountDownLatch gate = SITE.gatedHtml("/partial/stuck", "<html><body>late</body></html>");
        try {
            String id = Jobs.submit(Map.of(
                    "url",
                    SITE.url("/partial/start"),
                    "formats",
                    List.of("metadata"),
                    "crawl",
                    Map.of("maxPages", 10, "maxDepth", 1)));
            Jobs.awaitStatus(id, "failed");

            given().when()
                    .get("/v1/jobs/" + id + "/result")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("failed"))
                    .body("total", equalTo(1))
                    .body("pages[0].url", equalTo(SITE.url("/partial/start")))
                    .body("pages[0].title", equalTo("start"));
        } finally {
            gate.countDown();
        }
    }

    @Test
    void aCrawlThatTimesOutStartsNoMorePages() {
        SITE.html("/crawl/start", "<html><body><a href=\"/crawl/slow\">slow</a></body></html>");
        CountDownLatch gate =
                SITE.gatedHtml("/crawl/slow", "<html><body><a href=\"/crawl/deeper\">deeper</a></body></html>");
        SITE.html("/crawl/deeper", "<html><body>deeper</body></html>");
        String id =
                Jobs.submit(Map.of("url", SITE.url("/crawl/start"), "crawl", Map.of("maxPages", 10, "maxDepth", 3)));
        Jobs.awaitStatus(id, "failed");
        gate.countDown();

        given().when().get("/v1/jobs/" + id).then().body("error.code", equalTo("job-timeout"));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> SITE.hits("/crawl/deeper") == 0 && "failed".equals(Jobs.status(id)));
    }
}
