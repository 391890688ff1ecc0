package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Browser;
import dev.trawl.support.Database;
import dev.trawl.support.FreePort;
import dev.trawl.support.PlatformClient;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A person follows a crawl on the console's job page while the API process behind it is SIGKILLed
 * and a new one starts on the same address (as behind a load balancer); a worker process runs the
 * crawl all along. The page reconnects with Last-Event-ID and shows every event exactly once, up to
 * the crawl's end.
 */
class ConsoleRestartChaosIT {

    private static final int PAGES = 5;
    private static final Duration PAGE_LATENCY = Duration.ofMillis(2500);
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void theJobPageKeepsFollowingTheJobAcrossAnApiRestart() {
        String databaseName = ChaosSettings.database("console");
        String prefix = ChaosSettings.keyPrefix("console");
        Database.recreateShared(databaseName);
        RedisCli.deleteByPrefix(prefix);
        Map<String, String> properties = ChaosSettings.platform(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                "redis://127.0.0.1:6379",
                prefix);

        try (StubSite site = new StubSite();
                PlatformLauncher platforms = new PlatformLauncher("console-restart", properties);
                Browser browser = new Browser()) {
            for (int i = 0; i < PAGES; i++) {
                String next = i + 1 < PAGES ? "<a href=\"/crawl/" + (i + 1) + "\">next</a>" : "";
                site.html(
                        "/crawl/" + i,
                        "<html><head><title>Page " + i + "</title></head><body>" + next + "</body></html>");
                site.latency("/crawl/" + i, PAGE_LATENCY);
            }
            int apiPort = FreePort.pick();
            PlatformProcess api = platforms.start("api-1", "api", apiPort);
            PlatformProcess worker = platforms.start("worker", "worker");
            api.awaitReady(START_BOUND);
            worker.awaitReady(START_BOUND);

            // submitted and followed by the same anonymous caller (127.0.0.1), as the console's user
            PlatformClient client = new PlatformClient(api.baseUrl());
            PlatformClient.Submitted job =
                    client.submit(site.url("/crawl/0"), Map.of("crawl", Map.of("maxPages", PAGES, "maxDepth", PAGES)));
            assertThat(job.accepted()).as(job.error()).isTrue();
            browser.open(api.baseUrl() + "/console/jobs/" + job.id());
            await().atMost(WAIT).until(() -> browser.texts("event-type").contains("page"));
            assertThat(browser.texts("event-type")).doesNotContain("succeeded");

            api.kill();
            await().atMost(WAIT).until(() -> browser.texts("connection").contains("reconnecting…"));
            platforms.start("api-2", "api", apiPort).awaitReady(START_BOUND);

            await().atMost(WAIT).until(() -> browser.texts("event-type").contains("succeeded"));
            List<String> types = browser.texts("event-type");
            assertThat(Collections.frequency(types, "page")).isEqualTo(PAGES);
            assertThat(Collections.frequency(types, "queued")).isEqualTo(1);
            assertThat(Collections.frequency(types, "started")).isEqualTo(1);
            assertThat(types.get(types.size() - 1)).isEqualTo("succeeded");
            await().atMost(WAIT).until(() -> browser.texts("page-title").size() == PAGES);
        }
    }
}
