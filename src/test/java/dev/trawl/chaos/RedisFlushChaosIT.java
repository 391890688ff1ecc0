package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformClient;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.PrivateRedis;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.SubmitLoad;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Redis loses everything in the middle of a run: a private redis-server (no persistence) is
 * FLUSHALLed while jobs are being submitted and run by one platform process (api and worker).
 * Every job that was accepted must still end succeeded, stored once: the reconciler finds the
 * epoch marker gone and re-enqueues from PostgreSQL, and the consumer group is created again.
 */
class RedisFlushChaosIT {

    private static final int JOBS = 400;
    private static final int CLIENTS = 3;
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    /**
     * A slow site and few jobs at a time keep the worker (at most ~50 jobs/s) behind the clients,
     * so the flush wipes stream entries nobody has read yet: only the reconciler can bring them back.
     */
    private static final Duration SITE_LATENCY = Duration.ofMillis(100);

    private static final String WORKER_CONCURRENCY = "5";

    @Test
    void everyAcceptedJobCompletesAfterRedisIsFlushed() throws Exception {
        String databaseName = ChaosSettings.database("flush");
        Database db = Database.recreateShared(databaseName);

        try (PrivateRedis redis = PrivateRedis.start(
                        PlatformLauncher.logDir("redis-flush").resolve("redis.log"));
                StubSite site = new StubSite();
                PlatformLauncher platforms = new PlatformLauncher("redis-flush", settings(databaseName, redis))) {
            List<String> urls = IntStream.range(0, JOBS)
                    .mapToObj(i -> {
                        site.html(
                                        "/f/" + i,
                                        "<html><head><title>Flush " + i + "</title></head><body>page " + i
                                                + "</body></html>")
                                .latency("/f/" + i, SITE_LATENCY);
                        return site.url("/f/" + i);
                    })
                    .toList();
            PlatformProcess platform =
                    platforms.start("api-worker", "api,worker").awaitReady(START_BOUND);

            long start = System.nanoTime();
            try (SubmitLoad load = SubmitLoad.start(new PlatformClient(platform.baseUrl()), urls, CLIENTS)) {
                await("half the jobs accepted")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> load.answeredSoFar() >= JOBS / 2 || load.done());
                long queuedAtFlush = db.number("SELECT count(*) FROM jobs WHERE state = 'queued'");
                long succeededAtFlush = db.number("SELECT count(*) FROM jobs WHERE state = 'succeeded'");
                redis.flushAll();
                int answeredAtFlush = load.answeredSoFar();

                load.awaitDone(Duration.ofSeconds(60));
                List<String> accepted = load.acceptedIds();
                boolean ended = ExactlyOnce.awaitNoLiveJobs(db, Duration.ofSeconds(60));
                double wall = (System.nanoTime() - start) / 1e9;

                Map<String, Long> states = ExactlyOnce.jobsByState(db);
                String rebuilds = Files.readAllLines(platform.log()).stream()
                        .filter(line -> line.contains("Queues rebuilt"))
                        .map(line -> line.replaceAll("^.*\\) ", ""))
                        .toList()
                        .toString();
                System.out.printf(
                        "%n[chaos] redis FLUSHALL: %d submits by %d clients, %d accepted, answers %s;"
                                + " FLUSHALL after %d answers, with %d jobs queued (not yet started) and %d succeeded%n",
                        JOBS,
                        CLIENTS,
                        accepted.size(),
                        load.statuses(),
                        answeredAtFlush,
                        queuedAtFlush,
                        succeededAtFlush);
                System.out.printf(
                        "[chaos] reconciler: %s; the worker's failed reads after the flush: %d%n",
                        rebuilds,
                        Files.readAllLines(platform.log()).stream()
                                .filter(line -> line.contains("failed, retrying in"))
                                .count());
                System.out.printf(
                        "[chaos] jobs by state %s; by final attempt %s; drained in %.1f s (PostgreSQL clock),"
                                + " test wall time %.1f s; pages fetched %d times%n",
                        states,
                        ExactlyOnce.jobsByAttempt(db),
                        ExactlyOnce.drainSeconds(db),
                        wall,
                        site.allHits().entrySet().stream()
                                .filter(e -> e.getKey().startsWith("/f/"))
                                .mapToLong(Map.Entry::getValue)
                                .sum());
                if (accepted.size() < JOBS) {
                    System.out.printf("[chaos] first refusal: %s%n", load.firstRefusal());
                }

                assertThat(ended)
                        .as("every job ended within 60 s; left: " + states)
                        .isTrue();
                assertThat(accepted).as("accepted submits").isNotEmpty();
                assertThat(ExactlyOnce.inState(db, accepted, "succeeded"))
                        .as("accepted jobs that succeeded")
                        .isEqualTo(accepted.size());
                assertThat(states.keySet()).as("job states").containsOnly("succeeded");
                assertThat(ExactlyOnce.succeededWithoutExactlyOnePage(db))
                        .as("jobs without exactly one page")
                        .isZero();
                assertThat(ExactlyOnce.succeededWithoutExactlyOneStoredPageOp(db))
                        .as("jobs without one page-stored op")
                        .isZero();
                try (RedisCli cli = redis.client()) {
                    assertThat((List<?>) cli.call("XINFO", "GROUPS", ChaosSettings.keyPrefix("flush") + "jobs:normal"))
                            .as("the consumer group is back")
                            .isNotEmpty();
                }
                assertThat(queuedAtFlush)
                        .as("queued jobs the flush took the entries of (else it proved nothing)")
                        .isPositive();
            }
        }
    }

    private static Map<String, String> settings(String databaseName, PrivateRedis redis) {
        Map<String, String> settings = ChaosSettings.platform(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                redis.url(),
                ChaosSettings.keyPrefix("flush"));
        settings.put("trawl.worker.concurrency", WORKER_CONCURRENCY);
        return settings;
    }
}
