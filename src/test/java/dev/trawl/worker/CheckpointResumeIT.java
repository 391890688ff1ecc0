package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.job.ClaimedJob;
import dev.trawl.job.CrawlSpec;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobStore;
import dev.trawl.job.NewJob;
import dev.trawl.job.Priority;
import dev.trawl.job.StoredPage;
import dev.trawl.support.Jobs;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Crawl checkpoints: a crawl taken over after its worker died resumes from the checkpoint plus
 * the pages stored after it, and from the stored pages alone when the checkpoint is damaged; no
 * stored page is fetched again. A worker that lost the job cannot overwrite the checkpoint.
 */
@QuarkusTest
class CheckpointResumeIT {

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final CrawlSpec CRAWL = new CrawlSpec(50, 3, List.of(), List.of(), true);

    @TestHTTPResource("/")
    URL base;

    @Inject
    JobStore store;

    @Inject
    CrawlCheckpoints checkpoints;

    @Inject
    WorkerDrain drain;

    private CountDownLatch gate;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @AfterEach
    void restoreTheWorker() {
        if (gate != null) {
            gate.countDown();
        }
        drain.resume();
    }

    private static String page(String title, String... links) {
        return "<html><head><title>" + title + "</title></head><body>"
                + Arrays.stream(links)
                        .map(l -> "<a href=\"" + l + "\">" + l + "</a>")
                        .collect(Collectors.joining(" "))
                + "</body></html>";
    }

    /** start → a, b, c; a → a1; b → b1. */
    private static void serveSite(String root) {
        SITE.html(root, page("start", root + "a", root + "b", root + "c"));
        SITE.html(root + "a", page("a", root + "a1"));
        SITE.html(root + "b", page("b", root + "b1"));
        for (String leaf : List.of("c", "a1", "b1")) {
            SITE.html(root + leaf, page(leaf));
        }
    }

    private static StoredPage fetched(String url, int depth, String... links) {
        return new StoredPage(
                url,
                url,
                200,
                "text/html",
                depth,
                null,
                "stored before the crash",
                null,
                null,
                null,
                null,
                List.of(links),
                null,
                null,
                null);
    }

    /**
     * A worker claims the crawl, stores the start page and {@code a}, saves a checkpoint, stores
     * {@code b} and dies (its lease runs out); the job's id is returned.
     */
    private UUID crawlWhoseWorkerDiedAfterACheckpoint(String root) {
        serveSite(root);
        UUID id = JobIds.next();
        JobSpec spec = new JobSpec(
                SITE.url(root),
                List.of("metadata", "links"),
                Priority.NORMAL,
                Map.of(),
                CRAWL,
                Map.of(),
                null,
                true,
                false,
                null);
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        ClaimedJob dead = store.claim(id, "dead-worker", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();

        store.storePage(
                        dead,
                        fetched(SITE.url(root), 0, SITE.url(root + "a"), SITE.url(root + "b"), SITE.url(root + "c")))
                .await()
                .atMost(WAIT);
        store.storePage(dead, fetched(SITE.url(root + "a"), 1, SITE.url(root + "a1")))
                .await()
                .atMost(WAIT);
        CrawlFrontier.Snapshot snapshot = new CrawlFrontier.Snapshot(
                List.of(SITE.url(root), SITE.url(root + "a")),
                List.of(
                        new CrawlFrontier.Target(SITE.url(root + "b"), 1),
                        new CrawlFrontier.Target(SITE.url(root + "c"), 1),
                        new CrawlFrontier.Target(SITE.url(root + "a1"), 2)),
                2);
        assertThat(checkpoints
                        .save(dead, 1, CrawlCheckpoint.encode(SITE.url(root), snapshot))
                        .await()
                        .atMost(WAIT))
                .isTrue();
        store.storePage(dead, fetched(SITE.url(root + "b"), 1, SITE.url(root + "b1")))
                .await()
                .atMost(WAIT);
        return id;
    }

    private static void leaseRunsOut(UUID id) {
        Submits.sql("UPDATE jobs SET lease_expires_at = now() - interval '1 minute' WHERE id = ?::uuid", id.toString());
    }

    private JsonObject resumedEvent(UUID id) {
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            List<SseClient.Event> events = sse.readToEnd(WAIT);
            assertThat(events).extracting(SseClient.Event::type).endsWith("succeeded");
            return events.stream()
                    .filter(e -> e.type().equals("resumed"))
                    .map(e -> new JsonObject(e.data()))
                    .reduce((first, second) -> second)
                    .orElseThrow()
                    .getJsonObject("data");
        }
    }

    private static void assertEveryPageStoredOnceAndOnlyTheUnstoredFetched(UUID id, String root) {
        assertThat(List.of("", "a", "b"))
                .allSatisfy(stored -> assertThat(SITE.hits(root + stored)).isZero());
        assertThat(List.of("c", "a1", "b1"))
                .allSatisfy(leaf -> assertThat(SITE.hits(root + leaf)).isEqualTo(1));
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id.toString()))
                .isEqualTo("6");
        assertThat(Submits.sql(
                        "SELECT count(*) FROM op_ledger WHERE job_id = ?::uuid AND kind = 'page-stored'",
                        id.toString()))
                .isEqualTo("6");
        assertThat(Submits.sql("SELECT page_count FROM jobs WHERE id = ?::uuid", id.toString()))
                .isEqualTo("6");
        assertThat(Submits.sql("SELECT count(*) FROM crawl_checkpoints WHERE job_id = ?::uuid", id.toString()))
                .isEqualTo("0");
    }

    @Test
    void aCrawlTakenOverAfterACrashResumesFromItsCheckpointAndFetchesNoStoredPage() {
        String root = "/resume/";
        UUID id = crawlWhoseWorkerDiedAfterACheckpoint(root);

        leaseRunsOut(id);

        Jobs.awaitStatus(id.toString(), "succeeded");
        assertEveryPageStoredOnceAndOnlyTheUnstoredFetched(id, root);
        JsonObject resumed = resumedEvent(id);
        assertThat(resumed.getString("from")).isEqualTo("checkpoint");
        assertThat(resumed.getInteger("checkpoint")).isEqualTo(1);
        assertThat(resumed.getInteger("pagesDone")).isEqualTo(3);
        assertThat(resumed.getInteger("pagesReplayed")).isEqualTo(1);
        assertThat(resumed.getInteger("frontier")).isEqualTo(3);
    }

    @Test
    void aCorruptCheckpointIsRefusedAndTheCrawlResumesFromItsStoredPages() {
        String root = "/corrupt/";
        UUID id = crawlWhoseWorkerDiedAfterACheckpoint(root);
        Submits.sql(
                "UPDATE crawl_checkpoints SET payload = replace(payload, '/corrupt/c', '/corrupt/x') "
                        + "WHERE job_id = ?::uuid",
                id.toString());

        leaseRunsOut(id);

        Jobs.awaitStatus(id.toString(), "succeeded");
        assertEveryPageStoredOnceAndOnlyTheUnstoredFetched(id, root);
        JsonObject resumed = resumedEvent(id);
        assertThat(resumed.getString("from")).isEqualTo("stored-pages");
        assertThat(resumed.getString("checkpointRejected")).isEqualTo("checksum-mismatch");
        assertThat(resumed.getInteger("pagesReplayed")).isEqualTo(3);
    }

    @Test
    void aWorkerThatLostTheJobCannotOverwriteTheNewOwnersCheckpoint() {
        UUID id = JobIds.next();
        JobSpec spec = new JobSpec(
                SITE.url("/fenced/"),
                List.of("links"),
                Priority.NORMAL,
                Map.of(),
                CRAWL,
                Map.of(),
                null,
                true,
                false,
                null);
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        ClaimedJob stale = store.claim(id, "stale-worker", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();
        CrawlCheckpoint.Encoded early = CrawlCheckpoint.encode(
                spec.url(), new CrawlFrontier.Snapshot(List.of(), List.of(new CrawlFrontier.Target(spec.url(), 0)), 0));
        assertThat(checkpoints.save(stale, 7, early).await().atMost(WAIT)).isTrue();
        Submits.sql("UPDATE jobs SET lease_expires_at = now() WHERE id = ?::uuid", id.toString());
        ClaimedJob owner = store.claim(id, "new-owner", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();
        CrawlCheckpoint.Encoded current =
                CrawlCheckpoint.encode(spec.url(), new CrawlFrontier.Snapshot(List.of(spec.url()), List.of(), 1));

        assertThat(checkpoints.save(owner, 1, current).await().atMost(WAIT)).isTrue();
        assertThat(checkpoints.save(stale, 8, early).await().atMost(WAIT)).isFalse();
        assertThat(checkpoints.save(owner, 1, early).await().atMost(WAIT))
                .as("an older sequence")
                .isFalse();

        assertThat(Submits.sql(
                        "SELECT attempt || ':' || sequence || ':' || checksum FROM crawl_checkpoints "
                                + "WHERE job_id = ?::uuid",
                        id.toString()))
                .isEqualTo("2:1:" + current.checksum());
        Submits.sql("UPDATE jobs SET state = 'cancelled', lease_owner = NULL WHERE id = ?::uuid", id.toString());
    }

    @Test
    void aRunningCrawlSavesACheckpointEveryFewPagesAndDropsItWhenItEnds() {
        String root = "/periodic/";
        List<String> children = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "held");
        SITE.html(
                root, page("start", children.stream().map(child -> root + child).toArray(String[]::new)));
        children.stream().filter(child -> !child.equals("held")).forEach(child -> SITE.html(root + child, page(child)));
        gate = SITE.gatedHtml(root + "held", page("held"));
        String id = Jobs.submit(Map.of(
                "url", SITE.url(root), "formats", List.of("links"), "crawl", Map.of("maxPages", 20, "maxDepth", 1)));

        // 8 pages come back, the 9th is held: checkpoints after 3 pages and again after 3 more
        await().atMost(WAIT)
                .until(() -> "t"
                        .equals(Submits.sql(
                                "SELECT pages_done >= 6 FROM crawl_checkpoints WHERE job_id = ?::uuid", id)));
        assertThat(Jobs.status(id)).isEqualTo("running");
        String payload = Submits.sql("SELECT payload FROM crawl_checkpoints WHERE job_id = ?::uuid", id);
        assertThat(payload).contains(SITE.url(root + "held"));

        gate.countDown();
        Jobs.awaitStatus(id, "succeeded");
        assertThat(Submits.sql("SELECT count(*) FROM crawl_checkpoints WHERE job_id = ?::uuid", id))
                .isEqualTo("0");
    }

    @Test
    void aWorkerShuttingDownCheckpointsItsCrawlSoTheNextOneFetchesOnlyWhatWasLeft() throws Exception {
        String root = "/drained/";
        List<String> children = List.of("d1", "d2", "d3", "d4", "held");
        SITE.html(
                root, page("start", children.stream().map(child -> root + child).toArray(String[]::new)));
        children.stream().filter(child -> !child.equals("held")).forEach(child -> SITE.html(root + child, page(child)));
        gate = SITE.gatedHtml(root + "held", page("held"));
        String id = Jobs.submit(Map.of(
                "url", SITE.url(root), "formats", List.of("links"), "crawl", Map.of("maxPages", 20, "maxDepth", 1)));
        await().atMost(WAIT)
                .until(() -> "5".equals(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id))
                        && SITE.hits(root + "held") == 1);

        CompletableFuture<?> draining = drain.drain(Duration.ofMillis(500)).subscribeAsCompletionStage();
        draining.get(10, TimeUnit.SECONDS);
        assertThat(Submits.sql("SELECT state FROM jobs WHERE id = ?::uuid", id)).isEqualTo("queued");
        assertThat(Submits.sql("SELECT pages_done FROM crawl_checkpoints WHERE job_id = ?::uuid", id))
                .isEqualTo("5");

        gate.countDown();
        drain.resume();
        Jobs.awaitStatus(id, "succeeded");
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id))
                .isEqualTo("6");
        assertThat(List.of("", "d1", "d2", "d3", "d4"))
                .allSatisfy(done -> assertThat(SITE.hits(root + done)).isEqualTo(1));
        assertThat(SITE.hits(root + "held")).isEqualTo(2);
        assertThat(resumedEvent(UUID.fromString(id)).getString("from")).isEqualTo("checkpoint");
    }
}
