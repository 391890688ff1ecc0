package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.AdjustableHeapUsage;
import dev.trawl.support.Jobs;
import dev.trawl.support.Metrics;
import dev.trawl.support.StubSite;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** While the heap is high the worker starts no job; once it falls, the held job runs. */
@QuarkusTest
@TestProfile(MemoryPauseIT.AdjustableHeap.class)
class MemoryPauseIT {

    public static class AdjustableHeap implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(AdjustableHeapUsage.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.worker.pause-poll-interval", "50MS");
        }
    }

    private static final StubSite SITE = new StubSite();

    @Inject
    AdjustableHeapUsage heap;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @AfterEach
    void relieve() {
        heap.set(0.3);
    }

    @Test
    void noJobStartsWhileTheHeapIsHighAndTheHeldJobRunsOnceItFalls() {
        SITE.html("/held", "<title>held</title>");
        heap.set(0.95);
        String id = Jobs.submit(SITE.url("/held"));

        // Paused shows once the worker has taken the entry and holds it at the gate.
        await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value("trawl_worker_paused", "") == 1.0);
        assertThat(Jobs.status(id)).isEqualTo("queued");
        assertThat(SITE.hits("/held")).isZero();

        heap.set(0.5);
        Jobs.awaitStatus(id, "succeeded");
        assertThat(SITE.hits("/held")).isEqualTo(1);
        assertThat(Metrics.value("trawl_worker_paused", "")).isZero();
    }
}
