package dev.trawl.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.trawl.job.JobQueue;
import dev.trawl.job.Priority;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A new single-page job's page is fetched before the job is claimed, and the statement that
 * stores the page claims the job. {@code trawl.worker.claim-after} is long here, so a page held
 * back stays in that window for as long as a test needs.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(RunBeforeClaimIT.LongClaimAfter.class)
class RunBeforeClaimIT {

    public static class LongClaimAfter implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.worker.claim-after", "60S");
        }
    }

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Inject
    JobQueue queue;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private List<SseClient.Event> events(String id) {
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            return sse.readToEnd(WAIT);
        }
    }

    @Test
    void aPageFetchedBeforeTheClaimEndsTheJobWithEveryEventOfItsFirstAttemptInOrder() {
        SITE.html("/quick", "<title>quick</title>");
        String id = Jobs.submit(SITE.url("/quick"));
        Jobs.awaitStatus(id, "succeeded");

        given().when().get("/v1/jobs/" + id).then().body("attempt", equalTo(1)).body("startedAt", notNullValue());
        List<SseClient.Event> events = events(id);
        assertThat(events).extracting(SseClient.Event::type).containsExactly("queued", "started", "page", "succeeded");
        assertThat(new JsonObject(events.get(1).data()).getJsonObject("data").getInteger("attempt"))
                .isEqualTo(1);
        assertThat(new JsonObject(events.get(2).data()).getJsonObject("data").getString("title"))
                .isEqualTo("quick");
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id))
                .isEqualTo("1");
        assertThat(given().when()
                        .get("/v1/jobs/" + id + "/ops")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("ops.kind"))
                .containsExactly("page-stored");
        assertThat(SITE.hits("/quick")).isEqualTo(1);
    }

    @Test
    void aJobCancelledWhileItsPageIsFetchedBeforeTheClaimStoresNothingAndSaysOnlyThatItWasCancelled() {
        CountDownLatch gate = SITE.gatedHtml("/cancelled-early", "<title>never stored</title>");
        String id = Jobs.submit(SITE.url("/cancelled-early"));
        await().atMost(WAIT).until(() -> SITE.hits("/cancelled-early") == 1);
        // fetched, not claimed: the job is still queued, so a cancel ends it at once
        assertThat(Jobs.status(id)).isEqualTo("queued");
        given().when().delete("/v1/jobs/" + id).then().statusCode(202).body("status", equalTo("cancelled"));
        gate.countDown();

        try (RedisCli redis = new RedisCli()) {
            String stream = TestServices.KEY_PREFIX + "jobs:normal";
            await().atMost(WAIT).until(() -> (Long) ((List<?>) redis.call("XPENDING", stream, "workers")).get(0) == 0);
        }
        assertThat(Jobs.status(id)).isEqualTo("cancelled");
        assertThat(events(id)).extracting(SseClient.Event::type).containsExactly("queued", "cancelled");
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id))
                .isEqualTo("0");
        assertThat(Submits.sql("SELECT attempt FROM jobs WHERE id = ?::uuid", id))
                .isEqualTo("0");
    }

    @Test
    void aSecondEntryOfAJobBeingFetchedBeforeItsClaimTakesThatFetchInsteadOfFetchingAgain() {
        CountDownLatch gate = SITE.gatedHtml("/twice-queued", "<title>once</title>");
        String id = Jobs.submit(SITE.url("/twice-queued"));
        await().atMost(WAIT).until(() -> SITE.hits("/twice-queued") == 1);
        // as a recovery pass that found the job without its entry would put it on again
        queue.enqueue(UUID.fromString(id), Priority.NORMAL).await().atMost(WAIT);
        Jobs.awaitStatus(id, "running");
        gate.countDown();
        Jobs.awaitStatus(id, "succeeded");

        assertThat(SITE.hits("/twice-queued")).isEqualTo(1);
        assertThat(events(id))
                .extracting(SseClient.Event::type)
                .containsExactly("queued", "started", "page", "succeeded");
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id))
                .isEqualTo("1");
    }

    @Test
    void aJobWithItsOwnXHeaderIsClaimedBeforeItsFetchAndItsRequestStaysOutOfTheQueue() {
        CountDownLatch gate = SITE.gatedHtml("/with-key", "<title>keyed</title>");
        String id = Jobs.submit(Map.of("url", SITE.url("/with-key"), "headers", Map.of("X-Api-Key", "site-key-1234")));
        // claimed before the fetch, so running while the page is held back, well inside claim-after
        Jobs.awaitStatus(id, "running");
        try (RedisCli redis = new RedisCli()) {
            List<?> entries = (List<?>) redis.call("XRANGE", TestServices.KEY_PREFIX + "jobs:normal", "-", "+");
            assertThat(entries.toString()).contains(id).doesNotContain("site-key-1234");
        }
        gate.countDown();
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void aFetchThatFailsBeforeTheClaimIsRecordedAsTheFirstAttemptOfAClaimedJob() {
        String id = Jobs.submit(Map.of("url", SITE.url("/missing-early"), "dedupe", false));
        Jobs.awaitStatus(id, "failed");

        given().when().get("/v1/jobs/" + id).then().body("attempt", equalTo(1)).body("error.code", equalTo("http-404"));
        assertThat(events(id)).extracting(SseClient.Event::type).containsExactly("queued", "started", "failed");
    }
}
