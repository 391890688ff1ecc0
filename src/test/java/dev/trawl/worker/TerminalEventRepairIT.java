package dev.trawl.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.api.AdminToken;
import dev.trawl.job.ClaimedJob;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobQueue;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobStore;
import dev.trawl.job.NewJob;
import dev.trawl.job.Priority;
import dev.trawl.job.StoredPage;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A worker killed between a job's final commit and its terminal event: the next worker that meets
 * the job's queue entry writes the event, so followers learn that the job ended, and only once.
 */
@QuarkusTest
class TerminalEventRepairIT {

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Inject
    JobStore store;

    @Inject
    JobQueue queue;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static List<String> eventTypes(UUID id) {
        try (RedisCli redis = new RedisCli()) {
            return ((List<?>) redis.call("XRANGE", TestServices.KEY_PREFIX + "job:" + id + ":events", "-", "+"))
                    .stream()
                            .map(entry -> ((List<?>) ((List<?>) entry).get(1)))
                            .map(fields -> String.valueOf(fields.get(fields.indexOf("t") + 1)))
                            .toList();
        }
    }

    @Test
    void aJobWhoseWorkerDiedAfterItsFinalCommitStillAnnouncesItsEndOnce() {
        UUID id = JobIds.next();
        JobSpec spec = new JobSpec(SITE.url("/ended-silently"), List.of("text"), Priority.NORMAL);
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        ClaimedJob dead = store.claim(id, "dead-worker", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();
        StoredPage page = new StoredPage(
                spec.url(),
                spec.url(),
                200,
                "text/html",
                0,
                null,
                "t",
                null,
                "stored",
                null,
                null,
                List.of(),
                null,
                null,
                null);
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            // the worker committed the end of the job and died before writing its events; its entry stays
            store.succeed(dead, page).await().atMost(WAIT);
            queue.enqueue(id, Priority.NORMAL).await().atMost(WAIT);

            // first met moments after the commit (left for later), then again once the grace is over
            List<SseClient.Event> events = sse.readToEnd(WAIT);
            assertThat(events).extracting(SseClient.Event::type).containsExactly("succeeded");
            JsonObject data = new JsonObject(events.get(0).data()).getJsonObject("data");
            assertThat(data.getInteger("pages")).isEqualTo(1);
            assertThat(data.getBoolean("recovered")).isTrue();
        }
        assertThat(eventTypes(id)).containsExactly("succeeded");
        assertThat(SITE.hits("/ended-silently")).isZero();
    }

    @Test
    void aJobThatFailedWhenItsWorkerDiedGetsItsFailedEventAndItsDeadLetter() {
        UUID id = JobIds.next();
        JobSpec spec = new JobSpec(SITE.url("/failed-silently"), List.of("text"), Priority.NORMAL);
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        ClaimedJob dead = store.claim(id, "dead-worker", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();
        store.fail(dead, Map.of("code", "http-404", "message", "Not Found"), null)
                .await()
                .atMost(WAIT);
        // ended long enough ago that its worker is not merely slow
        Submits.sql("UPDATE jobs SET finished_at = now() - interval '1 minute' WHERE id = ?::uuid", id.toString());

        queue.enqueue(id, Priority.NORMAL).await().atMost(WAIT);

        await().atMost(WAIT).until(() -> eventTypes(id).equals(List.of("failed")));
        await().atMost(WAIT)
                .untilAsserted(() -> given().header(AdminToken.HEADER, "test-admin-token")
                        .queryParam("limit", 100)
                        .when()
                        .get("/v1/dead-letters")
                        .then()
                        .statusCode(200)
                        .body("items.find { it.jobId == '" + id + "' }.errorCode", equalTo("http-404")));
    }

    @Test
    void aSecondEntryOfAJobThatEndedProperlyWritesNothing() {
        SITE.html("/ended-properly", "<title>fine</title>");
        String id = Jobs.submit(SITE.url("/ended-properly"));
        Jobs.awaitStatus(id, "succeeded");
        await().atMost(WAIT).until(() -> eventTypes(UUID.fromString(id)).contains("succeeded"));

        queue.enqueue(UUID.fromString(id), Priority.NORMAL).await().atMost(WAIT);

        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> eventTypes(UUID.fromString(id)).equals(List.of("queued", "started", "page", "succeeded")));
        assertThat(SITE.hits("/ended-properly")).isEqualTo(1);
    }
}
