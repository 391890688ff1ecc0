package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.events.StreamIds;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobQueue;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobStore;
import dev.trawl.job.NewJob;
import dev.trawl.job.Priority;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class JobLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final StubSite SITE = new StubSite();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    JobStore store;

    @Inject
    JobQueue queue;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void submittedJobIsScrapedAndItsResultCanBeRead() {
        SITE.html("/article", """
                <html><head><title>Hello Trawl</title><meta name="description" content="A test article"></head>
                <body><h1>Heading</h1><p>Some body text.</p>
                <a href="/next">next</a> <a href="https://example.org/other#section">other</a>
                <a href="mailto:someone@example.org">mail</a></body></html>""");

        String id = given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/article"), "formats", List.of("metadata", "text", "links")))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        Jobs.awaitStatus(id, "succeeded");

        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("attempt", equalTo(1))
                .body("startedAt", notNullValue())
                .body("finishedAt", notNullValue());
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("status", equalTo("succeeded"))
                .body("pages[0].url", equalTo(SITE.url("/article")))
                .body("pages[0].statusCode", equalTo(200))
                .body("pages[0].title", equalTo("Hello Trawl"))
                .body("pages[0].description", equalTo("A test article"))
                .body("pages[0].text", containsString("Some body text."))
                .body("pages[0].links", hasItems(SITE.url("/next"), "https://example.org/other"));
    }

    @Test
    void acceptedJobAnswersWithItsLocationAndLinks() {
        SITE.html("/links", "<title>links</title>");
        var response = given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/links"), "priority", "high", "formats", List.of("text", "links")))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .body("status", equalTo("queued"))
                .body("createdAt", notNullValue())
                .extract();
        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/v1/jobs/" + id);
        assertThat(response.<String>path("links.self")).isEqualTo("/v1/jobs/" + id);
        assertThat(response.<String>path("links.events")).isEqualTo("/v1/jobs/" + id + "/events");
        assertThat(response.<String>path("links.result")).isEqualTo("/v1/jobs/" + id + "/result");
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void eventsOfAFinishedJobAreReplayedInOrderAndTheStreamEnds() throws Exception {
        SITE.html("/events", "<title>events</title>");
        String id = Jobs.submit(SITE.url("/events"));
        Jobs.awaitStatus(id, "succeeded");

        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            List<SseClient.Event> events = sse.readToEnd(WAIT);
            assertThat(events)
                    .extracting(SseClient.Event::type)
                    .containsExactly("queued", "started", "page", "succeeded");
            for (int i = 1; i < events.size(); i++) {
                assertThat(StreamIds.compare(
                                events.get(i).id(), events.get(i - 1).id()))
                        .isPositive();
            }
            JsonNode page = JSON.readTree(events.get(2).data());
            assertThat(page.get("type").asText()).isEqualTo("page");
            assertThat(page.get("jobId").asText()).isEqualTo(id);
            assertThat(page.get("at").asText()).isNotBlank();
            assertThat(page.get("data").get("url").asText()).isEqualTo(SITE.url("/events"));
            assertThat(page.get("data").get("statusCode").asInt()).isEqualTo(200);
        }
    }

    @Test
    void eventLogExpiresWithinADay() {
        SITE.html("/ttl", "<title>ttl</title>");
        String id = Jobs.submit(SITE.url("/ttl"));
        Jobs.awaitStatus(id, "succeeded");
        try (RedisCli redis = new RedisCli()) {
            long ttl = (Long) redis.call("TTL", TestServices.KEY_PREFIX + "job:" + id + ":events");
            assertThat(ttl).isGreaterThan(0).isLessThanOrEqualTo(86_400);
        }
    }

    @Test
    void reconnectingWithLastEventIdWhileTheJobRunsDeliversOnlyWhatWasMissedWithNoGap() {
        CountDownLatch gate = SITE.gatedHtml("/slow", "<title>slow</title>");
        String id = Jobs.submit(SITE.url("/slow"));
        String lastSeen;
        try (SseClient first = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(first.next(WAIT).type()).isEqualTo("queued");
            SseClient.Event started = first.next(WAIT);
            assertThat(started.type()).isEqualTo("started");
            lastSeen = started.id();
        }
        try (SseClient second = SseClient.open(base + "v1/jobs/" + id + "/events", lastSeen)) {
            // the job is still held by the site: nothing new yet, but the stream stays open with heartbeats
            await().atMost(WAIT).until(() -> !second.comments().isEmpty());
            assertThat(second.comments()).contains("heartbeat");
            gate.countDown();
            List<SseClient.Event> rest = second.readToEnd(WAIT);
            assertThat(rest).extracting(SseClient.Event::type).containsExactly("page", "succeeded");
            assertThat(rest)
                    .allSatisfy(
                            e -> assertThat(StreamIds.compare(e.id(), lastSeen)).isPositive());
        }
    }

    @Test
    void reconnectingAfterTheJobEndedReplaysTheRestOnly() {
        SITE.html("/replay", "<title>replay</title>");
        String id = Jobs.submit(SITE.url("/replay"));
        Jobs.awaitStatus(id, "succeeded");
        List<SseClient.Event> all;
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            all = sse.readToEnd(WAIT);
        }
        try (SseClient again =
                SseClient.open(base + "v1/jobs/" + id + "/events", all.get(1).id())) {
            assertThat(again.readToEnd(WAIT)).containsExactlyElementsOf(all.subList(2, all.size()));
        }
    }

    @Test
    void aPageTheSiteDoesNotHaveFailsTheJobWithTheReason() {
        String id = Jobs.submit(SITE.url("/missing"));
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("http-404"))
                .body("error.statusCode", equalTo(404))
                .body("error.transient", equalTo(false));
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.readToEnd(WAIT))
                    .extracting(SseClient.Event::type)
                    .containsExactly("queued", "started", "failed");
        }
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("jobStatus", equalTo("failed"));
    }

    @Test
    void aJobWaitingInTheQueueIsCancelledAtOnceAndNeverFetched() {
        SITE.html("/never", "<title>never</title>");
        UUID id = JobIds.next();
        // a job still waiting behind others: recorded, its entry not yet read by any worker
        store.insert(NewJob.of(
                        id, new JobSpec(SITE.url("/never"), List.of("text"), Priority.LOW), Jobs.LOCAL_CALLER, false))
                .await()
                .atMost(WAIT);

        given().when().delete("/v1/jobs/" + id).then().statusCode(202).body("status", equalTo("cancelled"));
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("status", equalTo("cancelled"))
                .body("finishedAt", notNullValue());

        queue.enqueue(id, Priority.LOW).await().atMost(WAIT); // the entry reaches a worker after all
        try (RedisCli redis = new RedisCli()) {
            String stream = TestServices.KEY_PREFIX + "jobs:low";
            await().atMost(WAIT)
                    .until(() -> (Long) ((List<?>) redis.call("XPENDING", stream, "workers")).get(0) == 0
                            && ((List<?>) redis.call("XINFO", "GROUPS", stream))
                                    .stream()
                                            .map(g -> (List<?>) g)
                                            .anyMatch(g -> Long.valueOf(0).equals(g.get(g.indexOf("lag") + 1))));
        }
        assertThat(Jobs.status(id.toString())).isEqualTo("cancelled");
        assertThat(SITE.hits("/never")).isZero();
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.readToEnd(WAIT)).extracting(SseClient.Event::type).containsExactly("cancelled");
        }
    }

    @Test
    void aRunningJobIsCancelledAtItsNextStepAndItsResultIsNotStored() {
        CountDownLatch gate = SITE.gatedHtml("/cancel-running", "<title>never stored</title>");
        String id = Jobs.submit(SITE.url("/cancel-running"));
        Jobs.awaitStatus(id, "running");

        given().when()
                .delete("/v1/jobs/" + id)
                .then()
                .statusCode(202)
                .body("status", equalTo("running"))
                .body("cancelRequested", equalTo(true));
        gate.countDown();
        Jobs.awaitStatus(id, "cancelled");

        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(0));
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.readToEnd(WAIT))
                    .extracting(SseClient.Event::type)
                    .containsExactly("queued", "started", "cancelled");
        }
        given().when()
                .delete("/v1/jobs/" + id)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("jobStatus", equalTo("cancelled"));
    }
}
