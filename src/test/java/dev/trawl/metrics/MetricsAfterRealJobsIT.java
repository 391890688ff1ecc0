package dev.trawl.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.DashboardQueries;
import dev.trawl.support.Jobs;
import dev.trawl.support.Keys;
import dev.trawl.support.PrometheusText;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubLogin;
import dev.trawl.support.StubRenderBackend;
import dev.trawl.support.StubSite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What an SRE scrapes from /q/metrics after real jobs of every kind (success, retry, failure, dead
 * letter, re-drive, crawl with a robots skip, SSRF refusal, render, site session, rate-limited
 * request): every family the operations guide lists has moved, promtool finds the output clean, and
 * every query of the Grafana dashboard reads series (and labels) the output has.
 */
@QuarkusTest
@TestProfile(MetricsAfterRealJobsIT.EveryPath.class)
class MetricsAfterRealJobsIT {

    /** The site every job fetches; 127.0.0.2 so that the guard, which refuses the rest of loopback, lets it through. */
    private static final StubSite SITE = new StubSite("127.0.0.2");

    public static class EveryPath implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("trawl.fetch.allow-private-networks", "false");
            config.put("trawl.fetch.allow-list", "127.0.0.1/32,127.0.0.2/32,127.0.0.4/32");
            config.put("trawl.fetch.recycle.max-jobs", "2");
            config.put("trawl.politeness.min-delay", "20MS");
            config.put("trawl.rate-limit.enabled", "true");
            config.put("trawl.rate-limit.anonymous.per-minute", "100000");
            config.put("trawl.rate-limit.api-key.per-minute", "2");
            config.put("trawl.retention.interval", "500MS");
            config.put("trawl.recovery.key-sweep-interval", "500MS");
            config.put("trawl.sites.members.host-pattern", "127.0.0.2");
            config.put("trawl.sites.members.session.body", "user=trawl&password=secret");
            config.put("trawl.sites.members.session.ttl", "10M");
            config.put("trawl.sites.members.session.renew-before", "2M");
            config.put("trawl.sites.broken.host-pattern", "127.0.0.4");
            config.put("trawl.sites.broken.session.body", "user=trawl&password=wrong");
            config.put("trawl.sites.broken.session.ttl", "10M");
            config.put("trawl.sites.broken.session.renew-before", "2M");
            config.put("trawl.sessions.wait-timeout", "5S");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Infrastructure.class));
        }
    }

    /** A render service and a login endpoint on 127.0.0.1, started before the application that needs their URLs. */
    public static class Infrastructure implements QuarkusTestResourceLifecycleManager {
        private StubRenderBackend renderer;
        private StubLogin login;

        @Override
        public Map<String, String> start() {
            renderer = new StubRenderBackend("metrics");
            login = new StubLogin();
            login.breakLogin("/login/broken");
            return Map.of(
                    "trawl.render.backends",
                    renderer.url(),
                    "trawl.sites.members.session.login-url",
                    login.url("/login/members"),
                    "trawl.sites.broken.session.login-url",
                    login.url("/login/broken"));
        }

        @Override
        public void stop() {
            renderer.close();
            login.close();
        }
    }

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    /** trawl.jobs.timeout, left at its default here. */
    private static final double JOB_TIMEOUT_SECONDS = 600;

    /** Counters and histograms (by their _count) that real work must move. */
    private static final List<String> MOVED_BY_JOBS = List.of(
            "http_server_requests_seconds_bucket",
            "trawl_jobs_submitted_total",
            "trawl_jobs_deduplicated_total",
            "trawl_jobs_finished_total{outcome=\"succeeded\"}",
            "trawl_jobs_finished_total{outcome=\"failed\"}",
            "trawl_jobs_completed_total",
            "trawl_jobs_retries_total",
            "trawl_jobs_dead_lettered_total",
            "trawl_jobs_redriven_total",
            "trawl_jobs_duration_seconds_count",
            "trawl_queue_wait_seconds_count",
            "trawl_fetches_total",
            "trawl_fetch_failures_total",
            "trawl_fetch_duration_seconds_count",
            "trawl_fetch_body_bytes_count",
            "trawl_fetch_skipped_total{reason=\"robots\"}",
            "trawl_sitemaps_total{outcome=\"read\"}",
            "trawl_sitemaps_total{outcome=\"failed\"}",
            "trawl_sitemap_urls_total",
            "trawl_fetch_refusals_total",
            "trawl_politeness_wait_seconds_count",
            "trawl_sessions_hits_total",
            "trawl_sessions_renewals_total",
            "trawl_sessions_renewal_failures_total",
            "trawl_render_requests_total",
            "trawl_render_duration_seconds_count",
            "trawl_fetch_recycles_total",
            "trawl_task_runs_total{task=\"lease-reaper\"}",
            "trawl_task_runs_total{task=\"queue-reconciler\"}",
            "trawl_task_runs_total{task=\"retry-mover\"}",
            "trawl_task_runs_total{task=\"retention-sweeper\"}",
            "trawl_task_runs_total{task=\"key-sweeper\"}",
            "trawl_task_items_total{task=\"retry-mover\"}",
            "trawl_task_duration_seconds_count",
            "trawl_sse_events_sent_total",
            "trawl_ratelimit_decisions_total{outcome=\"denied\",source=\"redis\",tier=\"api-key\"}",
            "trawl_ratelimit_decisions_total{outcome=\"allowed\",source=\"redis\",tier=\"anonymous\"}",
            "redis_commands_duration_seconds_count",
            "postgresql_processing_seconds_count",
            "sql_pool_usage_seconds_count",
            "redis_pool_usage_seconds_count");

    /** Gauges and failure counters: an operator needs them there from the start, whatever their value. */
    private static final List<String> PRESENT = List.of(
            "trawl_queue_depth{stream=",
            "trawl_queue_lag{stream=",
            "trawl_queue_pending{stream=",
            "trawl_render_breaker_open{",
            "trawl_worker_paused",
            "trawl_worker_fetching",
            "trawl_sse_connections",
            "trawl_task_failures_total{task=\"lease-reaper\"}",
            "sql_pool_active",
            "redis_pool_active");

    @Test
    void everyFamilyMovesAfterRealJobsAndPromtoolFindsTheOutputClean() throws Exception {
        PrometheusText before = PrometheusText.scrape();

        SITE.html("/ok", "<html><head><title>ok</title></head><body>ok</body></html>");
        SITE.reply(
                "/robots.txt",
                new StubSite.Reply(
                        200,
                        "text/plain",
                        ("User-agent: *\nDisallow: /private\nSitemap: " + SITE.url("/missing-sitemap.xml") + "\n")
                                .getBytes(StandardCharsets.UTF_8),
                        Map.of(),
                        null));
        SITE.html("/crawl", "<html><body><a href=\"/ok\">ok</a><a href=\"/private/x\">no</a></body></html>");
        SITE.reply(
                "/sitemap.xml",
                new StubSite.Reply(
                        200,
                        "application/xml",
                        ("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" + SITE.url("/ok")
                                        + "</loc></url></urlset>")
                                .getBytes(StandardCharsets.UTF_8),
                        Map.of(),
                        null));
        SITE.sequence("/flaky", StubSite.status(503), StubSite.page("<title>back</title>"));
        SITE.sequence("/gone", StubSite.status(404));

        String succeeded = Jobs.submit(SITE.url("/ok"));
        Jobs.awaitStatus(succeeded, "succeeded");
        // the same request again: the succeeded job answers
        given().contentType("application/json")
                .body(Map.of("url", SITE.url("/ok")))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(200);
        String retried = Jobs.submit(Map.of("url", SITE.url("/flaky"), "dedupe", false));
        String dead = Jobs.submit(SITE.url("/gone"));
        String crawl = Jobs.submit(
                Map.of("url", SITE.url("/crawl"), "crawl", Map.of("maxDepth", 1, "maxPages", 5, "sitemaps", true)));
        String refused = Jobs.submit("http://127.0.0.9:" + SITE.port() + "/inside");
        String rendered = Jobs.submit(Map.of("url", SITE.url("/ok?render"), "render", true));
        String loginFails = Jobs.submit(Map.of(
                "url", "http://127.0.0.4:" + SITE.port() + "/members", "maxAttempts", 1, "respectRobots", false));
        Jobs.awaitStatus(retried, "succeeded");
        Jobs.awaitStatus(dead, "failed");
        Jobs.awaitStatus(crawl, "succeeded");
        Jobs.awaitStatus(refused, "failed");
        Jobs.awaitStatus(rendered, "succeeded");
        Jobs.awaitStatus(loginFails, "failed");

        SITE.html("/gone", "<title>fixed</title>");
        given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .post("/v1/jobs/" + dead + "/retry")
                .then()
                .statusCode(202);
        Jobs.awaitStatus(dead, "succeeded");

        try (SseClient events = SseClient.open(
                RestAssured.baseURI + ":" + RestAssured.port + "/v1/jobs/" + succeeded + "/events", null)) {
            assertThat(events.readToEnd(Duration.ofSeconds(10))).isNotEmpty();
        }

        String key = Keys.issue("metrics", "api-key");
        List<Integer> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(given().header("X-API-Key", key)
                    .when()
                    .get("/v1/jobs/" + succeeded)
                    .statusCode());
        }
        assertThat(answers).contains(429);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    PrometheusText after = PrometheusText.scrape();
                    assertThat(MOVED_BY_JOBS)
                            .allSatisfy(series -> assertThat(after.sum(series))
                                    .as(series)
                                    .isGreaterThan(Math.max(0, before.sum(series))));
                    assertThat(PRESENT)
                            .allSatisfy(series ->
                                    assertThat(after.has(series)).as(series).isTrue());
                });

        PrometheusText output = PrometheusText.scrape();
        assertThat(output.bucketBounds("http_server_requests_seconds"))
                .as("the API latency histogram")
                .contains(0.005, 0.1, 0.5, 1.0, 30.0);
        for (String histogram : List.of("trawl_queue_wait_seconds", "trawl_jobs_duration_seconds")) {
            List<Double> bounds = output.bucketBounds(histogram);
            assertThat(bounds).as(histogram).isNotEmpty();
            assertThat(bounds.get(0)).as(histogram + " resolves 10 ms").isLessThanOrEqualTo(0.011);
            assertThat(bounds.get(bounds.size() - 1))
                    .as(histogram + " reaches the job timeout")
                    .isGreaterThanOrEqualTo(JOB_TIMEOUT_SECONDS);
        }
        // every query of the shipped dashboard reads series that exist, by labels they carry
        for (DashboardQueries.Query query : DashboardQueries.read().queries()) {
            assertThat(output.familyNames()).as(query.panel()).containsAll(query.series());
            Set<String> labels = new TreeSet<>(DashboardQueries.SCRAPE_LABELS);
            query.series().forEach(series -> labels.addAll(output.labelNames(series)));
            assertThat(labels)
                    .as(query.panel() + ": labels of " + query.series())
                    .containsAll(query.labels());
        }
        assertThat(output.familyNames()).noneMatch(name -> name.startsWith("m__"));
        assertThat(output.text())
                .doesNotContain(SITE.url("/"))
                .doesNotContain(succeeded)
                .doesNotContain(key);
        List<String> problems = promtoolCheckMetrics(output.text());
        assertThat(problems)
                .noneMatch(line -> line.startsWith("trawl_") || line.startsWith("http_server_requests"))
                .noneMatch(line -> line.contains("camelCase") || line.contains("error while linting"));
        // what is left is framework gauges (JVM, Netty, SmallRye FT) that Micrometer registers without a description
        assertThat(problems)
                .allMatch(
                        line -> line.endsWith("no help text")
                                || KNOWN_FRAMEWORK_NAMES.stream().anyMatch(line::startsWith),
                        "only framework series without help text");
    }

    /** JVM binder names promtool frowns on, kept because every JVM dashboard expects them. */
    private static final List<String> KNOWN_FRAMEWORK_NAMES = List.of("system_cpu_count", "process_cpu_time_ns_total");

    /** The problems `promtool check metrics` finds in the output, one a line; none when it is clean. */
    private static List<String> promtoolCheckMetrics(String exposition) throws IOException, InterruptedException {
        Path file = Files.createTempFile("trawl-metrics", ".txt");
        try {
            Files.writeString(file, exposition);
            Process promtool;
            try {
                promtool = new ProcessBuilder("promtool", "check", "metrics")
                        .redirectInput(file.toFile())
                        .redirectErrorStream(true)
                        .start();
            } catch (IOException e) {
                throw new AssertionError("promtool is needed: install Debian's prometheus package (.ci/run does)", e);
            }
            String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return said.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
