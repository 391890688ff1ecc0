package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformClient;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.PrivatePostgres;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.SubmitLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away in the middle of a run and comes back: a private cluster is stopped
 * ({@code pg_ctl stop -m fast}) while one platform process (api and worker) takes and runs
 * jobs. Readiness must go DOWN (503) while it is away and UP again after it is started; submits
 * meanwhile may be refused, but every job that was accepted must end succeeded, stored once.
 */
class PostgresRestartChaosIT {

    private static final int JOBS_BEFORE = 200;
    private static final int JOBS_AFTER = 150;
    private static final int CLIENTS = 3;
    private static final Duration SITE_LATENCY = Duration.ofMillis(100);
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    /** Longer than the 5 s lease: the leases of the jobs in flight run out while PostgreSQL is away. */
    private static final Duration OUTAGE = Duration.ofSeconds(6);

    @Test
    void nothingAcceptedIsLostWhenPostgresRestarts() throws Exception {
        String prefix = ChaosSettings.keyPrefix("pg-restart");
        RedisCli.deleteByPrefix(prefix);
        try (PrivatePostgres postgres = PrivatePostgres.start(
                        PlatformLauncher.logDir("pg-restart").resolve("postgres.log"));
                StubSite site = new StubSite()) {
            postgres.createDatabase("trawl");
            Database db = new Database(postgres.jdbcUrl("trawl"));
            List<String> urls = IntStream.range(0, JOBS_BEFORE + JOBS_AFTER)
                    .mapToObj(i -> {
                        site.html(
                                        "/r/" + i,
                                        "<html><head><title>Restart " + i + "</title></head><body>page " + i
                                                + "</body></html>")
                                .latency("/r/" + i, SITE_LATENCY);
                        return site.url("/r/" + i);
                    })
                    .toList();

            try (PlatformLauncher platforms = new PlatformLauncher(
                    "pg-restart",
                    ChaosSettings.platform(
                            postgres.reactiveUrl("trawl"),
                            postgres.jdbcUrl("trawl"),
                            "redis://127.0.0.1:6379",
                            prefix))) {
                PlatformProcess platform =
                        platforms.start("api-worker", "api,worker").awaitReady(START_BOUND);
                PlatformClient api = new PlatformClient(platform.baseUrl());
                List<String> accepted = new ArrayList<>();

                long start = System.nanoTime();
                SubmitLoad before = SubmitLoad.start(api, urls.subList(0, JOBS_BEFORE), CLIENTS);
                await("the first half of the submits answered")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> before.answeredSoFar() >= JOBS_BEFORE / 2);
                long runningAtStop = db.number("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')");

                long stopAt = System.nanoTime();
                postgres.stop();
                await("readiness DOWN while PostgreSQL is stopped")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> platform.readiness() == 503);
                double notReadyAfter = (System.nanoTime() - stopAt) / 1e9;
                before.awaitDone(Duration.ofSeconds(60));
                int probeDuringOutage = api.submit(site.url("/r/outage")).status();
                // PostgreSQL comes back OUTAGE after it went down: the outage's length is the experiment's
                long heldFor = Math.max(0, OUTAGE.toNanos() - (System.nanoTime() - stopAt));
                ScheduledExecutorService restarter = Executors.newSingleThreadScheduledExecutor();
                long startAt;
                try {
                    startAt = restarter
                            .schedule(
                                    () -> {
                                        long at = System.nanoTime();
                                        postgres.start();
                                        return at;
                                    },
                                    heldFor,
                                    TimeUnit.NANOSECONDS)
                            .get(OUTAGE.toSeconds() + 60, TimeUnit.SECONDS);
                } finally {
                    restarter.shutdownNow();
                }
                await("readiness UP once PostgreSQL is back")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> platform.readiness() == 200);
                double readyAfter = (System.nanoTime() - startAt) / 1e9;
                double outage = (System.nanoTime() - stopAt) / 1e9;

                SubmitLoad after = SubmitLoad.start(api, urls.subList(JOBS_BEFORE, urls.size()), CLIENTS)
                        .awaitDone(Duration.ofSeconds(60));
                accepted.addAll(before.acceptedIds());
                accepted.addAll(after.acceptedIds());
                boolean ended = ExactlyOnce.awaitNoLiveJobs(db, Duration.ofSeconds(60));
                double wall = (System.nanoTime() - start) / 1e9;

                Map<String, Long> states = ExactlyOnce.jobsByState(db);
                long notAcceptedButRecorded = db.number("SELECT count(*) FROM jobs") - accepted.size();
                System.out.printf(
                        "%n[chaos] postgres restart: %d submits before and during the stop %s, %d after it %s;"
                                + " %d jobs queued or running at the stop; probe submit during the outage: %d%n",
                        JOBS_BEFORE, before.statuses(), JOBS_AFTER, after.statuses(), runningAtStop, probeDuringOutage);
                System.out.printf(
                        "[chaos] readiness 503 %.1f s after pg_ctl stop, 200 again %.1f s after pg_ctl start"
                                + " (%.1f s outage in all)%n",
                        notReadyAfter, readyAfter, outage);
                System.out.printf(
                        "[chaos] %d accepted; jobs by state %s; by final attempt %s; jobs recorded for refused"
                                + " submits: %d; test wall time %.1f s; pages fetched %d times%n",
                        accepted.size(),
                        states,
                        ExactlyOnce.jobsByAttempt(db),
                        notAcceptedButRecorded,
                        wall,
                        site.allHits().entrySet().stream()
                                .filter(e -> e.getKey().startsWith("/r/"))
                                .mapToLong(Map.Entry::getValue)
                                .sum());
                System.out.printf("[chaos] first refusal: %s%n", before.firstRefusal());

                assertThat(ended)
                        .as("every job ended within 60 s; left: " + states)
                        .isTrue();
                assertThat(ExactlyOnce.inState(db, accepted, "succeeded"))
                        .as("accepted jobs that succeeded")
                        .isEqualTo(accepted.size());
                assertThat(ExactlyOnce.succeededWithoutExactlyOnePage(db))
                        .as("succeeded jobs without exactly one page")
                        .isZero();
                assertThat(ExactlyOnce.succeededWithoutExactlyOneStoredPageOp(db))
                        .as("succeeded jobs without exactly one page-stored op")
                        .isZero();
                assertThat(ExactlyOnce.pagesOfJobsNotSucceeded(db))
                        .as("pages of jobs that did not succeed")
                        .isZero();
                assertThat(probeDuringOutage)
                        .as("a submit while PostgreSQL is away is refused")
                        .isGreaterThanOrEqualTo(500);
                assertThat(runningAtStop)
                        .as("jobs in flight when PostgreSQL stopped (else it proved little)")
                        .isPositive();
            }
        }
        RedisCli.deleteByPrefix(prefix);
    }
}
