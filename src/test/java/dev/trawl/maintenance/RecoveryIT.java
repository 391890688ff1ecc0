package dev.trawl.maintenance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.api.AdminToken;
import dev.trawl.job.ClaimedJob;
import dev.trawl.job.CrawlSpec;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.job.NewJob;
import dev.trawl.job.Priority;
import dev.trawl.job.RetryConfig;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class RecoveryIT {

    private static final Logger LOG = Logger.getLogger(RecoveryIT.class);
    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    JobStore store;

    @Inject
    RetryConfig retry;

    @TestHTTPResource("/")
    URL base;

    @Inject
    QueueReconciler reconciler;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aJobWhoseWorkerDiedWithoutAStreamEntryIsRequeuedAndRuns() {
        SITE.html("/orphan", "<html><head><title>Orphan</title></head><body>back</body></html>");
        UUID id = insert(SITE.url("/orphan"));
        // a worker that claims and dies at once; its stream entry never existed
        assertThat(store.claim(id, "dead-worker", Duration.ofMillis(1)).await().atMost(WAIT))
                .isPresent();

        Jobs.awaitStatus(id.toString(), "succeeded");
        assertThat(SITE.hits("/orphan")).isEqualTo(1);
    }

    @Test
    void queuedJobsRedisNeverHeardOfRunOnceRedisIsFoundEmpty() {
        SITE.html("/stale", "<html><head><title>Stale</title></head><body>stale</body></html>");
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(insert(SITE.url("/stale?n=" + i)));
        }
        Optional<QueueReconciler.Rebuild> before = reconciler.lastRebuild();

        try (RedisCli redis = new RedisCli()) {
            redis.call("DEL", TestServices.KEY_PREFIX + "epoch");
        }

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ids.stream()
                        .allMatch(id -> store.state(id).await().atMost(WAIT).equals(Optional.of(JobState.SUCCEEDED))));
        // jobs run as soon as they are requeued, before the rebuild has restored the rest
        QueueReconciler.Rebuild rebuild = await().atMost(WAIT)
                .until(
                        () -> reconciler
                                .lastRebuild()
                                .filter(r -> !r.equals(before.orElse(null)) && r.requeued() >= 100),
                        Optional::isPresent)
                .orElseThrow();
        LOG.infof(
                "Requeued %d stale jobs in %d ms",
                rebuild.requeued(), rebuild.took().toMillis());
    }

    @Test
    void aQueuedJobWhoseStreamEntryWasNeverWrittenIsFoundAndRunsOnce() {
        SITE.html("/unqueued", "<html><head><title>Unqueued</title></head><body>never on the stream</body></html>");
        // the API process died between its INSERT and its XADD
        UUID id = insert(SITE.url("/unqueued"));

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> store.state(id).await().atMost(WAIT).equals(Optional.of(JobState.SUCCEEDED)));
        assertThat(SITE.hits("/unqueued")).isEqualTo(1);
        assertThat(Submits.sql("SELECT attempt FROM jobs WHERE id = ?::uuid", id.toString()))
                .isEqualTo("1");
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.readToEnd(WAIT))
                    .extracting(SseClient.Event::type)
                    .containsExactly("queued", "started", "page", "succeeded");
        }
    }

    @Test
    void aRetryTheDelayedSetLostIsRunOnceItIsLongOverdue() {
        SITE.html("/lost-retry", "<html><head><title>Lost retry</title></head><body>retried</body></html>");
        UUID id = insert(SITE.url("/lost-retry"));
        // the worker died between the UPDATE to retrying and the ZADD of the delayed set
        Submits.sql(
                "UPDATE jobs SET state = 'retrying', attempt = 1, next_attempt_at = now() - interval '1 minute' "
                        + "WHERE id = ?::uuid",
                id.toString());

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> store.state(id).await().atMost(WAIT).equals(Optional.of(JobState.SUCCEEDED)));
        assertThat(SITE.hits("/lost-retry")).isEqualTo(1);
        assertThat(Submits.sql("SELECT attempt FROM jobs WHERE id = ?::uuid", id.toString()))
                .isEqualTo("2");
    }

    @Test
    void aWorkerLostMidJobDoesNotSpendTheJobsOnlyAttempt() {
        SITE.html("/one-attempt", "<html><head><title>One attempt</title></head><body>once</body></html>");
        UUID id = insert(new JobSpec(
                SITE.url("/one-attempt"),
                List.of("text"),
                Priority.NORMAL,
                Map.of(),
                CrawlSpec.SINGLE_PAGE,
                Map.of(),
                null,
                true,
                false,
                1));
        assertThat(store.claim(id, "dead-worker", Duration.ofMillis(1)).await().atMost(WAIT))
                .isPresent();

        Jobs.awaitStatus(id.toString(), "succeeded");
        assertThat(Submits.sql(
                        "SELECT attempt || '/' || max_attempts || ' after ' || takeovers FROM jobs "
                                + "WHERE id = ?::uuid",
                        id.toString()))
                .isEqualTo("2/2 after 1");
    }

    @Test
    void aJobWhoseWorkersAreLostTooOftenFailsAsLeaseExpiredAndIsDeadLettered() {
        UUID id = insert(SITE.url("/poison"));
        // its workers were lost as often as allowed; this worker is lost once more
        Submits.sql(
                "UPDATE jobs SET takeovers = ?::int WHERE id = ?::uuid",
                String.valueOf(retry.maxTakeovers()),
                id.toString());
        assertThat(store.claim(id, "dead-worker", Duration.ofMillis(1)).await().atMost(WAIT))
                .isPresent();

        Jobs.awaitStatus(id.toString(), "failed");
        given().when().get("/v1/jobs/" + id).then().body("error.code", equalTo("lease-expired"));
        assertThat(SITE.hits("/poison")).isZero();
        // the dead letter follows the failed state (PostgreSQL first, then Redis)
        await().atMost(WAIT)
                .untilAsserted(() -> given().header(AdminToken.HEADER, "test-admin-token")
                        .queryParam("limit", 100)
                        .when()
                        .get("/v1/dead-letters")
                        .then()
                        .statusCode(200)
                        .body("items.find { it.jobId == '" + id + "' }.errorCode", equalTo("lease-expired")));
    }

    @Test
    void aRedrivenJobGetsAFreshAllowanceOfLostWorkers() {
        SITE.html("/redriven-after-losses", "<html><head><title>Back</title></head><body>ok</body></html>");
        UUID id = insert(SITE.url("/redriven-after-losses"));
        Submits.sql(
                "UPDATE jobs SET takeovers = ?::int, state = 'failed', finished_at = now() WHERE id = ?::uuid",
                String.valueOf(retry.maxTakeovers()),
                id.toString());

        assertThat(store.redrive(id).await().atMost(WAIT)).isPresent();
        // the re-driven job's first worker is lost: one loss, not one too many
        assertThat(store.claim(id, "dead-worker", Duration.ofMillis(1)).await().atMost(WAIT))
                .isPresent();

        Jobs.awaitStatus(id.toString(), "succeeded");
        assertThat(Submits.sql("SELECT takeovers FROM jobs WHERE id = ?::uuid", id.toString()))
                .isEqualTo("1");
    }

    @Test
    void aDeadLetterListRedisLostIsRestoredFromTheFailedJobs() {
        UUID id = failedJob("/failed-before-the-flush", "http-410");
        Optional<QueueReconciler.Rebuild> before = reconciler.lastRebuild();

        try (RedisCli redis = new RedisCli()) {
            redis.call("DEL", TestServices.KEY_PREFIX + "jobs:dead", TestServices.KEY_PREFIX + "epoch");
        }

        // a rebuild that was under way when Redis lost the list may end first and find it still there
        awaitRebuildRestoringDeadLetters(before);
        deadLetters()
                .body("items.findAll { it.jobId == '" + id + "' }.size()", equalTo(1))
                .body("items.find { it.jobId == '" + id + "' }.errorCode", equalTo("http-410"));
    }

    @Test
    void aDeadLetterWrittenBeforeTheRebuildDoesNotKeepTheLostOnesFromComingBack() {
        UUID lost = failedJob("/failed-and-lost", "http-404");
        UUID later = failedJob("/failed-after-the-loss", "http-410");
        Optional<QueueReconciler.Rebuild> before = reconciler.lastRebuild();

        try (RedisCli redis = new RedisCli()) {
            redis.call("DEL", TestServices.KEY_PREFIX + "jobs:dead", TestServices.KEY_PREFIX + "epoch");
            // a worker dead-letters a job after Redis lost its data and before the reconciler notices
            redis.call(
                    "XADD",
                    TestServices.KEY_PREFIX + "jobs:dead",
                    "*",
                    "job",
                    later.toString(),
                    "url",
                    SITE.url("/failed-after-the-loss"),
                    "code",
                    "http-410",
                    "attempts",
                    "1",
                    "at",
                    Instant.now().toString());
        }

        awaitRebuildRestoringDeadLetters(before);
        deadLetters()
                .body("items.findAll { it.jobId == '" + lost + "' }.size()", equalTo(1))
                .body("items.findAll { it.jobId == '" + later + "' }.size()", equalTo(1));
    }

    /** A job that failed with {@code code}, as PostgreSQL records it. */
    private UUID failedJob(String path, String code) {
        UUID id = insert(SITE.url(path));
        ClaimedJob worker = store.claim(id, "some-worker", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();
        store.fail(worker, Map.of("code", code, "message", code), null).await().atMost(WAIT);
        return id;
    }

    private void awaitRebuildRestoringDeadLetters(Optional<QueueReconciler.Rebuild> before) {
        await().atMost(WAIT)
                .until(() -> reconciler
                        .lastRebuild()
                        .filter(r -> !r.equals(before.orElse(null)) && r.deadLettersRestored() >= 1)
                        .isPresent());
    }

    private static ValidatableResponse deadLetters() {
        return given().header(AdminToken.HEADER, "test-admin-token")
                .queryParam("limit", 500)
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(200);
    }

    private UUID insert(String url) {
        return insert(new JobSpec(url, List.of("text"), Priority.NORMAL));
    }

    private UUID insert(JobSpec spec) {
        UUID id = JobIds.next();
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        return id;
    }
}
