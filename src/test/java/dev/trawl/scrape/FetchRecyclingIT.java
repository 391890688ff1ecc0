package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.support.Jobs;
import dev.trawl.support.Metrics;
import dev.trawl.support.StubSite;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** With a client replaced every two jobs, jobs keep succeeding across the replacements. */
@QuarkusTest
@TestProfile(FetchRecyclingIT.EveryTwoJobs.class)
class FetchRecyclingIT {

    public static class EveryTwoJobs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.fetch.recycle.max-jobs", "2");
        }
    }

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void jobsSucceedWhileTheFetchClientIsRecycledEveryTwoJobs() {
        SITE.html("/recycled", "<title>recycled</title>");
        List<String> ids = IntStream.range(0, 5)
                .mapToObj(i -> Jobs.submit(SITE.url("/recycled?n=" + i)))
                .toList();
        ids.forEach(id -> Jobs.awaitStatus(id, "succeeded"));
        assertThat(SITE.hits("/recycled")).isEqualTo(5);
        assertThat(Metrics.value("trawl_fetch_recycles_total", "{reason=\"jobs\"}"))
                .isGreaterThanOrEqualTo(2.0);
    }
}
