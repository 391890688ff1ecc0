package dev.trawl.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.job.JobIds;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobStore;
import dev.trawl.job.NewJob;
import dev.trawl.job.Priority;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A worker that took a job from the stream and died never acknowledges it; a live one finishes it. */
@QuarkusTest
class AbandonedEntryIT {

    private static final StubSite SITE = new StubSite();

    @Inject
    JobStore store;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void anEntryLeftPendingByAConsumerThatStoppedIsTakenOverAndCompleted() {
        SITE.html("/orphan", "<title>orphan</title>");
        UUID id = JobIds.next();
        store.insert(NewJob.of(
                        id,
                        new JobSpec(SITE.url("/orphan"), List.of("metadata"), Priority.NORMAL),
                        Jobs.LOCAL_CALLER,
                        false))
                .await()
                .atMost(Duration.ofSeconds(5));
        String stream = TestServices.KEY_PREFIX + "jobs:normal";

        try (RedisCli redis = new RedisCli()) {
            // Add the entry and read it as a consumer that then dies, atomically, so no live worker sees it first.
            redis.call("MULTI");
            redis.call("XADD", stream, "*", "payload", id.toString());
            redis.call("XREADGROUP", "GROUP", "workers", "crashed-worker", "COUNT", "1", "STREAMS", stream, ">");
            List<?> replies = (List<?>) redis.call("EXEC");
            List<?> read = (List<?>) replies.get(1);
            assertThat(read).as("the crashed consumer got the entry").hasSize(1);

            Jobs.awaitStatus(id.toString(), "succeeded");
            await().atMost(Duration.ofSeconds(10)).until(() -> pendingOf(redis, stream, "crashed-worker") == 0);
        }
        assertThat(SITE.hits("/orphan")).isEqualTo(1);
    }

    private static long pendingOf(RedisCli redis, String stream, String consumer) {
        List<?> summary = (List<?>) redis.call("XPENDING", stream, "workers");
        List<?> consumers = (List<?>) summary.get(3);
        if (consumers == null) {
            return 0;
        }
        return consumers.stream()
                .map(c -> (List<?>) c)
                .filter(c -> consumer.equals(c.get(0)))
                .mapToLong(c -> Long.parseLong((String) c.get(1)))
                .sum();
    }
}
