package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformClient;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.SubmitLoad;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Worker processes SIGKILLed one after another while 2,000 jobs run: one API process and two
 * worker processes of the packaged platform on the shared Redis and PostgreSQL (a key prefix and
 * database of the test's own). Each time another {@value #KILL_EVERY_JOBS} jobs have ended (every
 * few seconds), a ready worker is killed (never the last ready one) and a replacement started. Every job must end succeeded with exactly one stored page
 * and one {@code page-stored} ledger entry; refetching a page after a kill is allowed, storing it
 * twice is not. The lease, claim, reaper and reconciler timings are the production defaults, and
 * the jobs each killed worker left behind must run again within the retry specification's bounds:
 * 90% within {@value #RECOVERY_P90_SECONDS} s of the kill, all within {@value #RECOVERY_MAX_SECONDS} s.
 */
class WorkerKillChaosIT {

    private static final int JOBS = Integer.getInteger("trawl.chaos.jobs", 2000);
    private static final int CLIENTS = 4;
    /**
     * A kill each time this many more jobs have ended: paced by the run's own progress (every 3-6 s
     * here), so a kill always lands on a worker that has jobs in hand, never on an idle cluster.
     */
    private static final int KILL_EVERY_JOBS = 200;
    /**
     * Kills stop when this few jobs are left: by then the only jobs left to run are the ones
     * recovered from the last kill, and each would go to a worker about to be killed.
     */
    private static final int QUIET_TAIL = 100;
    /**
     * Each page takes this long: a kill catches its worker's ~50 jobs in the middle of their fetches,
     * and the run is bound by the site more than by the CPU, so replacements start sooner.
     */
    private static final Duration SITE_LATENCY = Duration.ofMillis(1000);

    private static final Duration RUN_BOUND = Duration.ofSeconds(150);
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    /** trawl.retry.max-takeovers: a job whose worker is lost more often than this fails as lease-expired. */
    private static final int MAX_TAKEOVERS = 5;

    private static final int RECOVERY_P90_SECONDS = 30;
    private static final int RECOVERY_MAX_SECONDS = 120;

    @Test
    void everyJobSucceedsExactlyOnceWhileWorkersAreKilled() throws Exception {
        String databaseName = ChaosSettings.database("kill");
        String prefix = ChaosSettings.keyPrefix("kill");
        Database db = Database.recreateShared(databaseName);
        RedisCli.deleteByPrefix(prefix);
        Map<String, String> properties = ChaosSettings.platformWithProductionRecovery(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                "redis://127.0.0.1:6379",
                prefix);

        try (StubSite site = new StubSite();
                PlatformLauncher platforms = new PlatformLauncher("worker-kill", properties);
                RedisCli probe = new RedisCli()) {
            List<String> urls = IntStream.range(0, JOBS)
                    .mapToObj(i -> {
                        site.html(
                                        "/p/" + i,
                                        "<html><head><title>Page " + i + "</title></head><body><p>Page " + i
                                                + " of the chaos site</p></body></html>")
                                .latency("/p/" + i, SITE_LATENCY);
                        return site.url("/p/" + i);
                    })
                    .toList();

            // the API first: it migrates the schema, so the workers do not race Flyway for it
            PlatformProcess api = platforms.start("api", "api").awaitReady(START_BOUND);
            List<PlatformProcess> workers = new ArrayList<>(
                    List.of(platforms.start("worker-1", "worker"), platforms.start("worker-2", "worker")));
            workers.forEach(w -> w.awaitReady(START_BOUND));

            long start = System.nanoTime();
            Instant startedAt = Instant.now();
            int kills = 0;
            List<Instant> killedAt = new ArrayList<>();
            List<OrphanedJobs.Kill> orphaned = new ArrayList<>();
            long seed = Long.getLong("trawl.chaos.seed", System.nanoTime());
            Random random = new Random(seed);
            try (SubmitLoad load = SubmitLoad.start(new PlatformClient(api.baseUrl()), urls, CLIENTS)) {
                long deadline = start + RUN_BOUND.toNanos();
                long endedAtLastKill = 0;
                while (System.nanoTime() < deadline) {
                    long next = endedAtLastKill + KILL_EVERY_JOBS;
                    try {
                        await("another " + KILL_EVERY_JOBS + " jobs ended, and a second worker ready")
                                .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                                .pollInterval(Duration.ofMillis(100))
                                .until(() -> quietTail(load, db)
                                        || ExactlyOnce.endedJobs(db) >= next
                                                && victim(workers, random).isPresent());
                    } catch (ConditionTimeoutException stalled) {
                        break; // the assertions below say what was left
                    }
                    if (quietTail(load, db)) {
                        break;
                    }
                    PlatformProcess victim = victim(workers, random).orElseThrow();
                    long killMillis = System.currentTimeMillis();
                    victim.kill();
                    killedAt.add(Instant.ofEpochMilli(killMillis));
                    orphaned.add(OrphanedJobs.snapshot(killMillis, victim, db, probe, prefix));
                    kills++;
                    endedAtLastKill = ExactlyOnce.endedJobs(db);
                    workers.remove(victim);
                    workers.add(platforms.start("worker-" + (kills + 2), "worker"));
                }
                load.awaitDone(Duration.ofSeconds(30));
                boolean ended = ExactlyOnce.awaitNoLiveJobs(db, Duration.ofSeconds(60));
                double wall = (System.nanoTime() - start) / 1e9;

                List<String> accepted = load.acceptedIds();
                Map<String, Long> states = ExactlyOnce.jobsByState(db);
                long withoutOnePage = ExactlyOnce.succeededWithoutExactlyOnePage(db);
                long withoutOneOp = ExactlyOnce.succeededWithoutExactlyOneStoredPageOp(db);
                Map<String, Integer> hits = site.allHits();
                long servedTwice = hits.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("/p/") && e.getValue() > 1)
                        .count();
                long fetches = hits.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("/p/"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                List<Long> recoveries = new ArrayList<>();
                long neverRecovered = 0;
                for (OrphanedJobs.Kill kill : orphaned) {
                    for (OrphanedJobs.Orphan orphan : kill.orphans()) {
                        OptionalLong took = OrphanedJobs.recoveryMillis(kill, orphan, probe, prefix);
                        if (took.isPresent()) {
                            recoveries.add(took.getAsLong());
                        } else {
                            neverRecovered++;
                        }
                    }
                }
                Collections.sort(recoveries);
                Map<String, Integer> succeededEvents;
                double repairSeconds;
                List<String> withoutSucceededEvent;
                List<String> examples = new ArrayList<>();
                try (RedisCli redis = new RedisCli()) {
                    List<String> succeeded = db.column("SELECT id FROM jobs WHERE state = 'succeeded'");
                    // a worker killed between a job's commit and its events leaves the entry pending: the
                    // worker that takes it over writes the missing terminal event once the grace is over
                    long repairStart = System.nanoTime();
                    ExactlyOnce.awaitSucceededEvents(redis, prefix, succeeded, Duration.ofSeconds(60));
                    repairSeconds = (System.nanoTime() - repairStart) / 1e9;
                    succeededEvents = ExactlyOnce.succeededEvents(redis, prefix, succeeded);
                    withoutSucceededEvent = succeededEvents.entrySet().stream()
                            .filter(e -> e.getValue() == 0)
                            .map(Map.Entry::getKey)
                            .toList();
                    for (String id : withoutSucceededEvent.stream().limit(5).toList()) {
                        long finished = db.number("SELECT (extract(epoch FROM finished_at) * 1000)::bigint FROM jobs"
                                + " WHERE id = '" + id + "'");
                        long beforeKill = killedAt.stream()
                                .mapToLong(Instant::toEpochMilli)
                                .map(k -> k - finished)
                                .filter(gap -> gap >= 0)
                                .min()
                                .orElse(-1);
                        examples.add(id + " events " + ExactlyOnce.eventTypes(redis, prefix, id) + ", attempt "
                                + db.number("SELECT attempt FROM jobs WHERE id = '" + id + "'")
                                + (beforeKill < 0
                                        ? ", no kill after its commit"
                                        : ", committed " + beforeKill + " ms before a worker was killed"));
                    }
                }

                System.out.printf(
                        "%n[chaos] worker SIGKILL: %d jobs submitted by %d clients, %d accepted (%s);"
                                + " %d worker kills (one per " + KILL_EVERY_JOBS
                                + " jobs ended, when another worker is ready, until %d jobs"
                                + " were left; -Dtrawl.chaos.seed=%d), at %s s%n",
                        JOBS,
                        CLIENTS,
                        accepted.size(),
                        load.statuses(),
                        kills,
                        QUIET_TAIL,
                        seed,
                        killedAt.stream()
                                .map(k -> String.format("%.1f", (k.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0))
                                .toList());
                System.out.printf(
                        "[chaos] drained in %.1f s (first accepted to last finished, PostgreSQL clock);"
                                + " test wall time %.1f s%n",
                        ExactlyOnce.drainSeconds(db), wall);
                System.out.printf(
                        "[chaos] jobs by state %s; by final attempt %s; by workers lost while they ran"
                                + " (takeovers, at most %d) %s; re-enqueued by the stranded-job sweep: %d%n",
                        states,
                        ExactlyOnce.jobsByAttempt(db),
                        MAX_TAKEOVERS,
                        db.counts("SELECT takeovers::text, count(*) FROM jobs GROUP BY takeovers"),
                        ExactlyOnce.strandedReenqueued(platforms.logs()));
                System.out.printf(
                        "[chaos] pages fetched %d times for %d pages; %d pages served more than once"
                                + " (refetched after a kill)%n",
                        fetches, JOBS, servedTwice);
                System.out.printf(
                        "[chaos] succeeded jobs without exactly one stored page: %d; without exactly one page-stored"
                                + " ledger entry: %d%n",
                        withoutOnePage, withoutOneOp);
                System.out.printf(
                        "[chaos] succeeded events per job (events -> jobs): %s, after %.1f s of waiting for"
                                + " repairs; recovered terminal events: %d%n",
                        ExactlyOnce.histogram(succeededEvents),
                        repairSeconds,
                        ExactlyOnce.recoveredTerminalEvents(platforms.logs()));
                System.out.printf(
                        "[chaos] recovery at the production lease and claim timings: %s; %d orphaned jobs"
                                + " ran again after p50 %.1f s, p90 %.1f s, max %.1f s (%d never did)%n",
                        orphaned.stream()
                                .map(k -> k.worker() + " left " + k.running() + " running + "
                                        + (k.orphans().size() - k.running()) + " read")
                                .toList(),
                        recoveries.size(),
                        seconds(recoveries, 0.5),
                        seconds(recoveries, 0.9),
                        seconds(recoveries, 1.0),
                        neverRecovered);
                if (!withoutSucceededEvent.isEmpty()) {
                    System.out.printf(
                            "[chaos] %d succeeded jobs have no succeeded event (the worker died after the"
                                    + " commit, before the event was appended): %s%n",
                            withoutSucceededEvent.size(), String.join("; ", examples));
                }

                assertThat(ended)
                        .as("every job ended within 60 s of the last kill; left: " + states)
                        .isTrue();
                assertThat(accepted).hasSize(JOBS);
                assertThat(states).containsExactly(Map.entry("succeeded", (long) JOBS));
                assertThat(ExactlyOnce.inState(db, accepted, "succeeded")).isEqualTo(JOBS);
                assertThat(withoutOnePage)
                        .as("jobs without exactly one stored page")
                        .isZero();
                assertThat(withoutOneOp)
                        .as("jobs without exactly one page-stored ledger entry")
                        .isZero();
                assertThat(db.number("SELECT count(*) FROM pages")).isEqualTo(JOBS);
                assertThat(succeededEvents.values())
                        .as("every job announces its success exactly once")
                        .allMatch(n -> n == 1);
                assertThat(kills).as("worker kills while the jobs ran").isGreaterThanOrEqualTo(2);
                assertThat(recoveries).as("orphaned jobs that ran again").isNotEmpty();
                assertThat(neverRecovered)
                        .as("orphaned jobs that never ran again")
                        .isZero();
                assertThat(seconds(recoveries, 0.9))
                        .as("p90 of kill to running again, s")
                        .isLessThanOrEqualTo(RECOVERY_P90_SECONDS);
                assertThat(seconds(recoveries, 1.0))
                        .as("longest kill to running again, s")
                        .isLessThanOrEqualTo(RECOVERY_MAX_SECONDS);
            }
        }
        RedisCli.deleteByPrefix(prefix);
    }

    /**
     * One of the ready workers, at random, if another ready worker remains: one worker always
     * keeps the jobs moving. (Always the oldest would always be the one that just took the jobs
     * recovered from the previous kill.) A replacement takes 3-11 s to start on the loaded
     * machine, so that, more than the pace, sets how often a worker dies.
     */
    private static boolean quietTail(SubmitLoad load, Database db) {
        return load.done() && ExactlyOnce.liveJobs(db) <= QUIET_TAIL;
    }

    private static double seconds(List<Long> sortedMillis, double percentile) {
        return sortedMillis.isEmpty() ? Double.NaN : OrphanedJobs.percentile(sortedMillis, percentile) / 1000.0;
    }

    private static Optional<PlatformProcess> victim(List<PlatformProcess> workers, Random random) {
        List<PlatformProcess> ready =
                workers.stream().filter(w -> w.hasBeenReady() || w.ready()).toList();
        return ready.size() < 2 ? Optional.empty() : Optional.of(ready.get(random.nextInt(ready.size())));
    }
}
