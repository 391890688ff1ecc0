package dev.trawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Jobs;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The attempt number is a fencing token: a worker that lost its lease cannot write over its successor. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class LeaseFencingIT {

    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration LONG = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    JobStore store;

    @Test
    void aWorkerWhoseLeaseWasTakenOverCanWriteNothing() {
        UUID id = queuedJob();
        ClaimedJob a = claim(id, "worker-a", SHORT).orElseThrow();
        ClaimedJob b = await().atMost(WAIT)
                .until(() -> claim(id, "worker-b", LONG), Optional::isPresent)
                .get();
        assertThat(b.attempt()).isEqualTo(a.attempt() + 1);

        assertThat(store.renew("worker-a", List.of(a), LONG).await().atMost(WAIT))
                .isEmpty();
        assertThat(store.storePage(a, page(id)).await().atMost(WAIT)).isEmpty();
        assertThat(store.fail(a, Map.of("code", "stale"), null).await().atMost(WAIT))
                .isEmpty();
        assertThat(store.succeed(a, page(id)).await().atMost(WAIT)).isEmpty();
        assertThat(store.finishCrawl(a).await().atMost(WAIT)).isEmpty();

        assertThat(store.renew("worker-b", List.of(b), LONG).await().atMost(WAIT))
                .containsExactly(id);
        assertThat(store.succeed(b, page(id)).await().atMost(WAIT)).contains(JobState.SUCCEEDED);
    }

    @Test
    void theSameWorkerClaimingAgainFencesOffItsOwnEarlierAttempt() {
        UUID id = queuedJob();
        ClaimedJob first = claim(id, "worker-a", SHORT).orElseThrow();
        ClaimedJob second = await().atMost(WAIT)
                .until(() -> claim(id, "worker-a", LONG), Optional::isPresent)
                .get();

        assertThat(store.succeed(first, page(id)).await().atMost(WAIT))
                .as("the owner matches, the attempt does not")
                .isEmpty();
        assertThat(store.fail(second, Map.of("code", "http-404", "transient", false), null)
                        .await()
                        .atMost(WAIT))
                .hasValueSatisfying(failed -> assertThat(failed.state()).isEqualTo(JobState.FAILED));
    }

    @Test
    void aReDrivenJobFencesOutAWorkerOfItsEarlierAttemptEvenWhenTheSameWorkerClaimsItAgain() {
        UUID id = queuedJob();
        ClaimedJob earlier = claim(id, "worker-a", LONG).orElseThrow();
        // the attempt is ended (its job timeout) while pages of its run are still in flight
        assertThat(store.fail(earlier, Map.of("code", "job-timeout", "transient", false), null)
                        .await()
                        .atMost(WAIT))
                .hasValueSatisfying(failed -> assertThat(failed.state()).isEqualTo(JobState.FAILED));
        assertThat(store.redrive(id).await().atMost(WAIT)).isPresent();
        ClaimedJob redriven = claim(id, "worker-a", LONG).orElseThrow();
        assertThat(redriven.attempt()).isGreaterThan(earlier.attempt());

        assertThat(store.storePage(earlier, page(id)).await().atMost(WAIT)).isEmpty();
        assertThat(store.succeed(earlier, page(id)).await().atMost(WAIT)).isEmpty();
        assertThat(store.renew("worker-a", List.of(earlier), LONG).await().atMost(WAIT))
                .isEmpty();

        // and the re-driven job has its retries again
        assertThat(store.fail(redriven, Map.of("code", "http-503", "transient", true), java.time.Instant.now())
                        .await()
                        .atMost(WAIT))
                .hasValueSatisfying(failed -> assertThat(failed.state()).isEqualTo(JobState.RETRYING));
    }

    @Test
    void aLiveLeaseIsNotTakenOver() {
        UUID id = queuedJob();
        ClaimedJob a = claim(id, "worker-a", LONG).orElseThrow();

        assertThat(claim(id, "worker-b", LONG)).isEmpty();
        assertThat(store.succeed(a, page(id)).await().atMost(WAIT)).contains(JobState.SUCCEEDED);
    }

    private UUID queuedJob() {
        UUID id = JobIds.next();
        JobSpec spec = new JobSpec("http://127.0.0.1:9/" + id, List.of("text"), Priority.NORMAL);
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        return id;
    }

    private Optional<ClaimedJob> claim(UUID id, String owner, Duration lease) {
        return store.claim(id, owner, lease).await().atMost(WAIT);
    }

    private static StoredPage page(UUID id) {
        return new StoredPage(
                "http://127.0.0.1:9/" + id,
                null,
                200,
                "text/html",
                0,
                null,
                "title",
                null,
                "text",
                null,
                null,
                List.of(),
                null,
                null,
                null);
    }
}
