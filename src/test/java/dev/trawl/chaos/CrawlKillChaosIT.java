package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformClient;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A crawl's worker SIGKILLed in the middle of the crawl: the worker that takes the job over
 * resumes from the crawl's checkpoint and the pages stored after it. Every page ends stored once,
 * and no page stored before the kill is fetched again (only the pages in flight at the kill are).
 */
class CrawlKillChaosIT {

    private static final int PAGES = 300;
    /** Each page links to the next ten: start → p0..p9, p(i) → p(10i+10)..p(10i+19). */
    private static final int FAN_OUT = 10;

    private static final int PARALLELISM = 8;
    /** Slow enough that the crawl takes ~8 s, so the kill lands in its middle. */
    private static final Duration SITE_LATENCY = Duration.ofMillis(200);

    private static final int KILL_AFTER_PAGES = 100;
    private static final Duration START_BOUND = Duration.ofSeconds(90);

    @Test
    void aCrawlWhoseWorkerIsKilledResumesFromItsCheckpointAndFetchesNoStoredPageAgain() throws Exception {
        String databaseName = ChaosSettings.database("crawl");
        String prefix = ChaosSettings.keyPrefix("crawl");
        Database db = Database.recreateShared(databaseName);
        RedisCli.deleteByPrefix(prefix);
        Map<String, String> properties = ChaosSettings.platformWithProductionRecovery(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                "redis://127.0.0.1:6379",
                prefix);
        properties.put("trawl.crawl.parallelism", String.valueOf(PARALLELISM));
        properties.put("trawl.checkpoint.every-pages", "10");

        try (StubSite site = new StubSite();
                PlatformLauncher platforms = new PlatformLauncher("crawl-kill", properties)) {
            serveTree(site);
            PlatformProcess api = platforms.start("api", "api").awaitReady(START_BOUND);
            PlatformProcess first = platforms.start("worker-1", "worker").awaitReady(START_BOUND);

            PlatformClient.Submitted crawl = new PlatformClient(api.baseUrl())
                    .submit(
                            site.url("/"),
                            Map.of("formats", List.of("links"), "crawl", Map.of("maxPages", PAGES + 1, "maxDepth", 5)));
            assertThat(crawl.status())
                    .as("the crawl is accepted: " + crawl.error())
                    .isEqualTo(202);
            String job = crawl.id();

            await("a third of the pages stored and a checkpoint saved")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> storedPages(db, job) >= KILL_AFTER_PAGES
                            && db.number("SELECT count(*) FROM crawl_checkpoints WHERE job_id = '" + job + "'") == 1);
            long killMillis = System.currentTimeMillis();
            first.kill();
            OrphanedJobs.Kill kill;
            try (RedisCli redis = new RedisCli()) {
                kill = OrphanedJobs.snapshot(killMillis, first, db, redis, prefix);
            }
            Set<String> storedBeforeKill = Set.copyOf(db.column("SELECT url FROM pages WHERE job_id = '" + job + "'"));
            long checkpointed = db.number("SELECT pages_done FROM crawl_checkpoints WHERE job_id = '" + job + "'");

            platforms.start("worker-2", "worker").awaitReady(START_BOUND);
            await("the crawl succeeded")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "succeeded"
                            .equals(db.column("SELECT state FROM jobs WHERE id = '" + job + "'")
                                    .get(0)));

            Map<String, Integer> hits = site.allHits();
            Set<String> fetchedTwice = hits.entrySet().stream()
                    .filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            Set<String> storedThenFetchedAgain = storedBeforeKill.stream()
                    .map(url -> url.replaceFirst("^http://[^/]+", ""))
                    .filter(fetchedTwice::contains)
                    .collect(Collectors.toSet());
            JsonObject resumed;
            OptionalLong ranAgainAfter;
            try (RedisCli redis = new RedisCli()) {
                ranAgainAfter = OrphanedJobs.recoveryMillis(kill, kill.orphans().get(0), redis, prefix);
                resumed = ExactlyOnce.events(redis, prefix, job).stream()
                        .filter(e -> e.getKey().equals("resumed"))
                        .map(e -> new JsonObject(e.getValue()).getJsonObject("data"))
                        .findFirst()
                        .orElse(null);
            }
            System.out.printf(
                    "%n[chaos] crawl kill: %d pages stored before the SIGKILL (checkpoint of %d pages);"
                            + " running again %.1f s after the kill (production lease and claim timings, a new worker"
                            + " to start); resumed %s; %d pages stored in all, %d fetches, pages fetched twice %s%n",
                    storedBeforeKill.size(),
                    checkpointed,
                    ranAgainAfter.orElse(-1) / 1000.0,
                    resumed,
                    storedPages(db, job),
                    hits.values().stream().mapToInt(Integer::intValue).sum(),
                    fetchedTwice);

            assertThat(kill.orphans())
                    .as("the crawl, running under the killed worker's lease")
                    .extracting(OrphanedJobs.Orphan::jobId)
                    .containsExactly(job);
            assertThat(ranAgainAfter)
                    .as("time from the kill to the crawl running again")
                    .isPresent();
            assertThat(ranAgainAfter.getAsLong())
                    .isLessThanOrEqualTo(Duration.ofMinutes(2).toMillis());
            assertThat(resumed).as("the resumed event").isNotNull();
            assertThat(resumed.getString("from")).isEqualTo("checkpoint");
            assertThat(storedPages(db, job)).as("pages stored").isEqualTo(PAGES + 1);
            assertThat(db.number(
                            "SELECT count(*) FROM op_ledger WHERE job_id = '" + job + "' AND kind = 'page-stored'"))
                    .as("page-stored ledger entries")
                    .isEqualTo(PAGES + 1);
            assertThat(storedThenFetchedAgain)
                    .as("pages stored before the kill and fetched again")
                    .isEmpty();
            assertThat(fetchedTwice)
                    .as("only pages in flight at the kill are fetched twice")
                    .hasSizeLessThanOrEqualTo(PARALLELISM);
            assertThat(db.number("SELECT count(*) FROM crawl_checkpoints WHERE job_id = '" + job + "'"))
                    .as("the checkpoint of the finished crawl")
                    .isZero();
        }
        RedisCli.deleteByPrefix(prefix);
    }

    private static long storedPages(Database db, String job) {
        return db.number("SELECT count(*) FROM pages WHERE job_id = '" + job + "'");
    }

    private static void serveTree(StubSite site) {
        site.html("/", page("start", IntStream.range(0, FAN_OUT)));
        for (int i = 0; i < PAGES; i++) {
            int firstChild = FAN_OUT * (i + 1);
            site.html("/p" + i, page("p" + i, IntStream.range(firstChild, Math.min(PAGES, firstChild + FAN_OUT))))
                    .latency("/p" + i, SITE_LATENCY);
        }
        site.latency("/", SITE_LATENCY);
    }

    private static String page(String title, IntStream children) {
        return "<html><head><title>" + title + "</title></head><body>"
                + children.mapToObj(c -> "<a href=\"/p" + c + "\">p" + c + "</a>")
                        .collect(Collectors.joining(" "))
                + "</body></html>";
    }
}
