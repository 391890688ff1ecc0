package dev.trawl.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.job.JobState;
import dev.trawl.job.ReapedJob;
import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's drain on shutdown, called directly: a shutdown itself would end the test's application. */
@QuarkusTest
class GracefulShutdownIT {

    private static final StubSite SITE = new StubSite();
    private static final String ACCEPTING = "checks.find { it.name == 'trawl-worker-accepting' }.status";

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

    @Test
    void aDrainingWorkerIsNotReadyTakesNoNewJobAndHandsBackTheJobStillInHandAfterTheGrace() throws Exception {
        gate = SITE.gatedHtml("/held", "<title>held</title>");
        SITE.html("/later", "<title>later</title>");
        String held = Jobs.submit(SITE.url("/held"));
        await().atMost(Duration.ofSeconds(30)).until(() -> SITE.hits("/held") == 1);
        given().when().get("/q/health/ready").then().body(ACCEPTING, equalTo("UP"));

        CompletableFuture<List<ReapedJob>> draining =
                drain.drain(Duration.ofSeconds(2)).subscribeAsCompletionStage();

        given().when().get("/q/health/ready").then().statusCode(503).body(ACCEPTING, equalTo("DOWN"));
        String later = Jobs.submit(SITE.url("/later"));
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> "queued".equals(Jobs.status(later)) && SITE.hits("/later") == 0);

        List<ReapedJob> handedBack = draining.get(10, TimeUnit.SECONDS);
        assertThat(handedBack).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo(UUID.fromString(held));
            assertThat(job.state()).isEqualTo(JobState.QUEUED);
        });
        assertThat(Submits.sql("SELECT state FROM jobs WHERE id = ?::uuid", held))
                .isEqualTo("queued");
        assertThat(Submits.sql("SELECT lease_owner IS NULL FROM jobs WHERE id = ?::uuid", held))
                .isEqualTo("t");

        // Resumed (as another worker would), both jobs run to the end once: the handed-back one anew.
        gate.countDown();
        drain.resume();
        given().when().get("/q/health/ready").then().body(ACCEPTING, equalTo("UP"));
        Jobs.awaitStatus(held, "succeeded");
        Jobs.awaitStatus(later, "succeeded");
        assertThat(Submits.sql("SELECT attempt FROM jobs WHERE id = ?::uuid", held))
                .isEqualTo("2");
    }

    @Test
    void aDrainEndsAtOnceWhenNoJobIsInHand() {
        List<ReapedJob> handedBack = drain.drain(Duration.ofSeconds(20)).await().atMost(Duration.ofSeconds(2));
        assertThat(handedBack).isEmpty();
    }
}
