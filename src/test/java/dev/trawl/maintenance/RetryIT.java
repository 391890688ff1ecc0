package dev.trawl.maintenance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.events.EventLog;
import dev.trawl.events.StoredEvent;
import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class RetryIT {

    private static final StubSite SITE = new StubSite();
    private static final StubSite ATTEMPTS_SITE = new StubSite("127.0.0.6");

    @Inject
    EventLog events;

    @AfterAll
    static void stopSite() {
        ATTEMPTS_SITE.close();
        SITE.close();
    }

    @Test
    void aTransientFailureIsRetriedWithBackoffUntilThePageAnswers() {
        SITE.sequence(
                "/flaky",
                StubSite.status(503),
                StubSite.status(503),
                StubSite.page("<html><head><title>Third time</title></head><body>ok</body></html>"));

        String id = Jobs.submit(SITE.url("/flaky"));
        Jobs.awaitStatus(id, "succeeded");

        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .body("attempt", equalTo(3))
                .body("error", nullValue());
        assertThat(types(id))
                .containsExactly(
                        "queued", "started", "retrying", "started", "retrying", "started", "page", "succeeded");
        JsonObject retrying = new JsonObject(eventsOf(id).get(2).json()).getJsonObject("data");
        assertThat(retrying.getInteger("attempt")).isEqualTo(1);
        assertThat(Instant.parse(retrying.getString("nextAttemptAt"))).isBefore(Instant.now());
        assertThat(retrying.getJsonObject("error").getString("code")).isEqualTo("http-503");
        assertThat(SITE.hits("/flaky")).isEqualTo(3);
    }

    @Test
    void aPageThatKeepsFailingFailsAfterItsLastAttemptWithEveryError() {
        SITE.sequence("/down", StubSite.status(503));

        String id = Jobs.submit(SITE.url("/down"));
        Jobs.awaitStatus(id, "failed");

        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .body("attempt", equalTo(3))
                .body("error.code", equalTo("http-503"))
                .body("error.attempts", hasSize(3))
                .body("error.attempts[2].attempt", equalTo(3));
        assertThat(types(id))
                .containsExactly("queued", "started", "retrying", "started", "retrying", "started", "failed");
        assertThat(SITE.hits("/down")).isEqualTo(3);
    }

    @Test
    void aPermanentFailureFailsAtOnceAndIsNeverRetried() {
        SITE.sequence("/gone", StubSite.status(404));

        String id = Jobs.submit(SITE.url("/gone"));
        Jobs.awaitStatus(id, "failed");

        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .body("attempt", equalTo(1))
                .body("error.code", equalTo("http-404"))
                .body("error.attempts", hasSize(1));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> SITE.hits("/gone") == 1 && "failed".equals(Jobs.status(id)));
        assertThat(types(id)).containsExactly("queued", "started", "failed");
    }

    private List<StoredEvent> eventsOf(String id) {
        return events.readAfter(UUID.fromString(id), "0-0", 100).await().atMost(Duration.ofSeconds(5));
    }

    private List<String> types(String id) {
        return eventsOf(id).stream().map(StoredEvent::type).toList();
    }

    @Test
    void aJobMayAskForFewerOrMoreAttempts() {
        // a host of its own: the site failure window of 127.0.0.1 is shared with the other tests
        ATTEMPTS_SITE.sequence("/once", StubSite.status(503));
        String once = Jobs.submit(java.util.Map.of("url", ATTEMPTS_SITE.url("/once"), "maxAttempts", 1));
        Jobs.awaitStatus(once, "failed");
        given().when().get("/v1/jobs/" + once).then().body("attempt", org.hamcrest.Matchers.equalTo(1));
        org.assertj.core.api.Assertions.assertThat(ATTEMPTS_SITE.hits("/once")).isEqualTo(1);

        ATTEMPTS_SITE.sequence(
                "/patient",
                StubSite.status(503),
                StubSite.status(503),
                StubSite.status(503),
                StubSite.page("<title>fourth</title>"));
        String patient = Jobs.submit(java.util.Map.of("url", ATTEMPTS_SITE.url("/patient"), "maxAttempts", 4));
        Jobs.awaitStatus(patient, "succeeded");
        given().when().get("/v1/jobs/" + patient).then().body("attempt", org.hamcrest.Matchers.equalTo(4));
    }

    @Test
    void anAttemptCountOutOfRangeIsRejected() {
        for (int attempts : new int[] {0, 11}) {
            given().contentType(io.restassured.http.ContentType.JSON)
                    .body(java.util.Map.of("url", SITE.url("/x"), "maxAttempts", attempts))
                    .when()
                    .post("/v1/jobs")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", org.hamcrest.Matchers.equalTo("maxAttempts"));
        }
    }
}
