package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.events.StreamIds;
import dev.trawl.support.Jobs;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The event stream as an EventSource sees it: how it opens, that idle streams get heartbeats, that
 * every follower of a job gets every event once and in order, and that a client which already has
 * the end of a finished job is told to stop (204) instead of reconnecting for ever.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class EventStreamIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final StubSite SITE = new StubSite();

    @TestHTTPResource("/")
    URL base;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private String events(String id) {
        return base + "v1/jobs/" + id + "/events";
    }

    @Test
    void aStreamOpensWithRetryAndAHeartbeatAndIsNotCachedOrBuffered() {
        CountDownLatch gate = SITE.gatedHtml("/opening", "<title>opening</title>");
        String id = Jobs.submit(SITE.url("/opening"));
        try (SseClient sse = SseClient.open(events(id), null)) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).isEqualTo("text/event-stream");
            assertThat(sse.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(sse.header("X-Accel-Buffering")).isEqualTo("no");
            assertThat(sse.next(WAIT).type()).isEqualTo("queued");
            assertThat(sse.retry()).isEqualTo("3000");
            assertThat(sse.comments()).startsWith("heartbeat");
        } finally {
            gate.countDown();
        }
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void anIdleStreamGetsAHeartbeatEveryInterval() {
        CountDownLatch gate = SITE.gatedHtml("/idle", "<title>idle</title>");
        String id = Jobs.submit(SITE.url("/idle"));
        try (SseClient sse = SseClient.open(events(id), null)) {
            // the job waits on the site: nothing but heartbeats (1 s in tests) keeps the stream busy
            await().atMost(WAIT).until(() -> sse.comments().size() >= 3);
            assertThat(sse.comments()).containsOnly("heartbeat");
        } finally {
            gate.countDown();
        }
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void everyFollowerOfAJobSeesEveryEventOnceInOrderAndItsStreamEnds() {
        CountDownLatch gate = SITE.gatedHtml("/many", "<title>many</title>");
        String id = Jobs.submit(SITE.url("/many"));
        Jobs.awaitStatus(id, "running");
        List<SseClient> followers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                followers.add(SseClient.open(events(id), null));
            }
            gate.countDown();
            List<String> first = null;
            for (SseClient follower : followers) {
                List<SseClient.Event> seen = follower.readToEnd(WAIT);
                assertThat(seen)
                        .extracting(SseClient.Event::type)
                        .containsExactly("queued", "started", "page", "succeeded");
                for (int i = 1; i < seen.size(); i++) {
                    assertThat(StreamIds.compare(
                                    seen.get(i).id(), seen.get(i - 1).id()))
                            .isPositive();
                }
                List<String> ids = seen.stream().map(SseClient.Event::id).toList();
                if (first == null) {
                    first = ids;
                }
                assertThat(ids).isEqualTo(first);
            }
        } finally {
            gate.countDown();
            followers.forEach(SseClient::close);
        }
    }

    @Test
    void aReconnectThatAlreadyHasTheTerminalEventIsToldToStop() {
        SITE.html("/done", "<title>done</title>");
        String id = Jobs.submit(SITE.url("/done"));
        Jobs.awaitStatus(id, "succeeded");
        List<SseClient.Event> all;
        try (SseClient sse = SseClient.open(events(id), null)) {
            all = sse.readToEnd(WAIT);
        }
        String terminal = all.get(all.size() - 1).id();
        try (SseClient again = SseClient.open(events(id), terminal)) {
            assertThat(again.status()).isEqualTo(204);
            assertThat(again.readToEnd(WAIT)).isEmpty();
        }
        try (SseClient legacy = SseClient.open(base + "jobs/" + id + "/stream", terminal)) {
            assertThat(legacy.status()).isEqualTo(204);
        }
        // one event short of the end: that event, then the stream ends
        try (SseClient behind =
                SseClient.open(events(id), all.get(all.size() - 2).id())) {
            assertThat(behind.status()).isEqualTo(200);
            assertThat(behind.readToEnd(WAIT)).extracting(SseClient.Event::id).containsExactly(terminal);
        }
    }

    @Test
    void onlyGetIsAllowedOnAnEventStream() {
        SITE.html("/method", "<title>method</title>");
        String id = Jobs.submit(SITE.url("/method"));
        given().when()
                .post("/v1/jobs/" + id + "/events")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .header("Allow", "GET");
        given().when().delete("/jobs/" + id + "/stream").then().statusCode(405).contentType("application/problem+json");
        Jobs.awaitStatus(id, "succeeded");
    }
}
