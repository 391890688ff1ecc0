package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.Keys;
import dev.trawl.support.Metrics;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What one caller, or a crowd, can hold of a pod's event streams: a caller past its cap is told
 * 429, a full pod 503 (both problem+json with Retry-After), a slot comes back when its stream
 * ends, and no stream lives longer than its lifetime: the server ends it and the client picks up
 * where it left off with Last-Event-ID, until the job's end, after which it is told to stop (204).
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(EventStreamLimitsIT.SmallCaps.class)
class EventStreamLimitsIT {

    /** Two streams per caller, three per pod, and streams that live a few seconds. */
    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trawl.events.max-streams-per-caller",
                    "2",
                    "trawl.events.max-streams-per-pod",
                    "3",
                    "trawl.events.max-stream-lifetime",
                    LIFETIME.toSeconds() + "S");
        }
    }

    // long enough that the cap tests open their streams well within it
    private static final Duration LIFETIME = Duration.ofSeconds(8);
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
    void aCallerPastItsCapIsToldToWaitAndGetsItsSlotBackWhenAStreamEnds() {
        CountDownLatch gate = SITE.gatedHtml("/caller-cap", "<title>cap</title>");
        String id = Jobs.submit(SITE.url("/caller-cap"));
        List<SseClient> open = new ArrayList<>();
        try {
            open.add(SseClient.open(events(id), null));
            open.add(SseClient.open(events(id), null));
            assertThat(open).extracting(SseClient::status).containsOnly(200);

            given().header("Accept", "text/event-stream")
                    .when()
                    .get("/v1/jobs/" + id + "/events")
                    .then()
                    .statusCode(429)
                    .contentType("application/problem+json")
                    .header("Retry-After", "3")
                    .body("type", containsString("too-many-streams"))
                    .body("status", equalTo(429));
            given().header("Accept", "text/event-stream")
                    .when()
                    .get("/jobs/" + id + "/stream")
                    .then()
                    .statusCode(429)
                    .contentType("application/problem+json");
            assertThat(Metrics.value("trawl_sse_refused_total", "{reason=\"caller-cap\"}"))
                    .isGreaterThanOrEqualTo(2);

            open.remove(0).close();
            await().atMost(WAIT).until(() -> {
                try (SseClient again = SseClient.open(events(id), null)) {
                    return again.status() == 200;
                }
            });
        } finally {
            gate.countDown();
            open.forEach(SseClient::close);
        }
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void aFullPodRefusesAnyCallerWithServiceUnavailable() {
        CountDownLatch gate = SITE.gatedHtml("/pod-cap", "<title>pod</title>");
        String id = Jobs.submit(SITE.url("/pod-cap"));
        // the job is the anonymous caller's; an admin-tier key may follow it too, as a caller of its own
        Map<String, String> other = Map.of("Authorization", "Bearer " + Keys.issue("sse-pod-cap", "admin"));
        List<SseClient> open = new ArrayList<>();
        try {
            open.add(SseClient.open(events(id), null));
            open.add(SseClient.open(events(id), null));
            open.add(SseClient.open(events(id), null, other));
            assertThat(open).extracting(SseClient::status).containsOnly(200);

            given().header("Accept", "text/event-stream")
                    .headers(other)
                    .when()
                    .get("/v1/jobs/" + id + "/events")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "3")
                    .body("type", containsString("streams-unavailable"));
            assertThat(Metrics.value("trawl_sse_refused_total", "{reason=\"pod-cap\"}"))
                    .isEqualTo(1.0);
        } finally {
            gate.countDown();
            open.forEach(SseClient::close);
        }
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void aStreamEndsAtItsLifetimeAndTheClientResumesFromItsLastEventUntilToldToStop() {
        CountDownLatch gate = SITE.gatedHtml("/lifetime", "<title>lifetime</title>");
        String id = Jobs.submit(SITE.url("/lifetime"));
        Jobs.awaitStatus(id, "running");
        List<SseClient.Event> first;
        try (SseClient sse = SseClient.open(events(id), null)) {
            // the job waits on the gate: the server, not the job's end, ends this stream
            first = sse.readToEnd(LIFETIME.plus(WAIT));
            assertThat(sse.retry()).isEqualTo("3000");
        }
        assertThat(first).extracting(SseClient.Event::type).containsExactly("queued", "started");
        assertThat(Jobs.status(id)).isEqualTo("running");

        gate.countDown();
        List<SseClient.Event> rest;
        try (SseClient resumed =
                SseClient.open(events(id), first.get(first.size() - 1).id())) {
            assertThat(resumed.status()).isEqualTo(200);
            rest = resumed.readToEnd(WAIT);
        }
        assertThat(rest).extracting(SseClient.Event::type).containsExactly("page", "succeeded");

        try (SseClient stopped =
                SseClient.open(events(id), rest.get(rest.size() - 1).id())) {
            assertThat(stopped.status()).isEqualTo(204);
        }
    }
}
