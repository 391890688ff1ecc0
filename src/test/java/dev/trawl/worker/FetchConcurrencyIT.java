package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Jobs;
import dev.trawl.support.Metrics;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A worker fetches at most {@code trawl.worker.concurrency} pages at once, and holds up to
 * {@code max-finishing} more entries whose turn comes as a place is given back.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(FetchConcurrencyIT.TwoPlaces.class)
class FetchConcurrencyIT {

    public static class TwoPlaces implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.worker.concurrency", "2", "trawl.worker.max-finishing", "2");
        }
    }

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static int hits(List<String> paths) {
        return paths.stream().mapToInt(SITE::hits).sum();
    }

    @Test
    void noMoreThanTheConcurrencyArePagesFetchedAtOnceAndTheNextStartsAsOneEnds() {
        List<String> paths = IntStream.range(0, 4).mapToObj(i -> "/slot-" + i).toList();
        List<CountDownLatch> gates = new ArrayList<>();
        paths.forEach(path -> gates.add(SITE.gatedHtml(path, "<title>" + path + "</title>")));
        List<String> ids =
                paths.stream().map(path -> Jobs.submit(SITE.url(path))).toList();

        try (RedisCli redis = new RedisCli()) {
            String stream = TestServices.KEY_PREFIX + "jobs:normal";
            // all four entries are in the worker's hands, two of them waiting for a place
            await().atMost(WAIT)
                    .until(() -> (Long) ((List<?>) redis.call("XPENDING", stream, "workers")).get(0) == 4
                            && hits(paths) == 2);
        }
        assertThat(Metrics.value("trawl_worker_fetching", "")).isEqualTo(2.0);
        assertThat(hits(paths)).isEqualTo(2);

        List<Integer> started = IntStream.range(0, 4)
                .filter(i -> SITE.hits(paths.get(i)) == 1)
                .boxed()
                .toList();
        gates.get(started.get(0)).countDown();
        Jobs.awaitStatus(ids.get(started.get(0)), "succeeded");
        await().atMost(WAIT).until(() -> hits(paths) == 3);

        gates.forEach(CountDownLatch::countDown);
        ids.forEach(id -> Jobs.awaitStatus(id, "succeeded"));
        assertThat(hits(paths)).isEqualTo(4);
        await().atMost(WAIT).until(() -> Metrics.value("trawl_worker_fetching", "") == 0.0);
    }
}
