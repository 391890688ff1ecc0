package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code runAt} and {@code delaySeconds}: a job recorded now that runs no earlier than asked. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class DelayedJobsIT {

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static Map<String, Object> job(String path, Map<String, Object> more) {
        SITE.html(path, "<title>later</title>");
        Map<String, Object> body = new HashMap<>(more);
        body.put("url", SITE.url(path + "?" + UUID.randomUUID()));
        body.put("formats", List.of("metadata"));
        return body;
    }

    private static ValidatableResponse submit(Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then();
    }

    private static JsonPath statusOf(String id) {
        return given().when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static Instant instant(JsonPath json, String path) {
        return OffsetDateTime.parse(json.getString(path)).toInstant();
    }

    @Test
    void aJobWithRunAtIsScheduledAndDoesNotStartBeforeItsTime() {
        Instant runAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        String id = submit(job(
                        "/run-at",
                        Map.of("runAt", runAt.atOffset(ZoneOffset.ofHours(2)).toString())))
                .statusCode(202)
                .body("status", equalTo("scheduled"))
                .extract()
                .path("id");

        JsonPath waiting = statusOf(id);
        assertThat(waiting.getString("status")).isEqualTo("scheduled");
        assertThat(instant(waiting, "runAt")).isEqualTo(runAt);
        assertThat(waiting.getString("startedAt")).isNull();

        await().atMost(WAIT).until(() -> "succeeded".equals(Jobs.status(id)));
        JsonPath done = statusOf(id);
        assertThat(instant(done, "startedAt")).isAfterOrEqualTo(runAt);
        assertThat(done.getString("runAt")).isNull();
    }

    @Test
    void aJobWithDelaySecondsStartsNoEarlierThanTheDelay() {
        Instant before = Instant.now();
        String id = submit(job("/delay", Map.of("delaySeconds", 1)))
                .statusCode(202)
                .body("status", equalTo("scheduled"))
                .extract()
                .path("id");

        await().atMost(WAIT).until(() -> "succeeded".equals(Jobs.status(id)));
        assertThat(instant(statusOf(id), "startedAt")).isAfterOrEqualTo(before.plusSeconds(1));
    }

    @Test
    void aRunAtInThePastRunsAtOnce() {
        String id = submit(job("/past", Map.of("runAt", "2020-01-01T00:00:00Z")))
                .statusCode(202)
                .body("status", equalTo("queued"))
                .extract()
                .path("id");
        await().atMost(WAIT).until(() -> "succeeded".equals(Jobs.status(id)));
    }

    @Test
    void aScheduledJobCanBeCancelledAndNeverRuns() {
        String id = submit(job("/cancel-later", Map.of("delaySeconds", 1)))
                .statusCode(202)
                .extract()
                .path("id");
        given().when().delete("/v1/jobs/" + id).then().statusCode(202).body("status", equalTo("cancelled"));
        // past its time, the mover finds it no longer waiting and leaves it cancelled
        await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> "cancelled".equals(Jobs.status(id)));
        assertThat(statusOf(id).getString("startedAt")).isNull();
    }

    @Test
    void aDelayedJobLostWithRedisIsRebuiltFromPostgresqlAndStillWaitsForItsTime() {
        Instant runAt = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.MILLIS);
        String id = submit(job("/redis-lost", Map.of("runAt", runAt.toString())))
                .statusCode(202)
                .extract()
                .path("id");
        // Redis lost the delayed set and the epoch marker with it: the reconciler rebuilds
        try (RedisCli redis = new RedisCli()) {
            redis.call("DEL", TestServices.KEY_PREFIX + "jobs:delayed", TestServices.KEY_PREFIX + "epoch");
            await().atMost(WAIT)
                    .until(() -> redis.call("EXISTS", TestServices.KEY_PREFIX + "epoch")
                            .equals(1L));
            assertThat(redis.call("ZSCORE", TestServices.KEY_PREFIX + "jobs:delayed", id))
                    .as("back in the delayed set at its time")
                    .isEqualTo(Long.toString(runAt.toEpochMilli()));
        }
        await().atMost(WAIT).until(() -> "succeeded".equals(Jobs.status(id)));
        assertThat(instant(statusOf(id), "startedAt")).isAfterOrEqualTo(runAt);
    }

    @Test
    void aDelayedJobWhoseEntryInTheDelayedSetWasLostRunsOnceOverdue() {
        String id = submit(job("/set-lost", Map.of("delaySeconds", 1)))
                .statusCode(202)
                .extract()
                .path("id");
        try (RedisCli redis = new RedisCli()) {
            redis.call("ZREM", TestServices.KEY_PREFIX + "jobs:delayed", id);
        }
        // the reconciler's sweep queues it once it is overdue (trawl.recovery.stranded-after)
        await().atMost(WAIT).until(() -> "succeeded".equals(Jobs.status(id)));
    }

    @Test
    void anIdempotencyKeyComparesTheTimeAsTheClientWroteIt() {
        Map<String, Object> body = job("/idempotent-later", Map.of("delaySeconds", 60));
        String key = "later-" + UUID.randomUUID();
        String first = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(body)
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(body)
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .body("id", equalTo(first));
        Map<String, Object> later = new HashMap<>(body);
        later.put("delaySeconds", 120);
        given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(later)
                .post("/v1/jobs")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://trawl.dev/problems/idempotency-key-reused"));
    }

    private static void refused(Map<String, Object> more, String field) {
        submit(job("/bad", more))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field))
                .body("detail", notNullValue());
    }

    @Test
    void badStartTimesAreRefusedNamingTheMember() {
        refused(Map.of("runAt", "tomorrow"), "runAt");
        refused(Map.of("runAt", "2026-12-01T06:00:00"), "runAt");
        refused(Map.of("runAt", Instant.now().plus(Duration.ofDays(400)).toString()), "runAt");
        refused(Map.of("runAt", Instant.now().plusSeconds(5).toString(), "delaySeconds", 5), "runAt");
        refused(Map.of("delaySeconds", 100L * 24 * 3600), "delaySeconds");
        submit(job("/bad", Map.of("delaySeconds", -1)))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("delaySeconds"));
        submit(job("/bad", Map.of("delaySeconds", "soon"))).statusCode(400).contentType("application/problem+json");
    }

    @Test
    void eachItemOfABatchMayAskForItsOwnTime() {
        List<Object> jobs = List.of(
                job("/batch-later", Map.of("delaySeconds", 30)),
                job("/batch-now", Map.of()),
                job("/batch-bad", Map.of("runAt", "not a time")));
        JsonPath answer = given().contentType(ContentType.JSON)
                .body(Map.of("jobs", jobs))
                .when()
                .post("/v1/jobs/batch")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(answer.getString("jobs[0].status")).isEqualTo("scheduled");
        assertThat(answer.getString("jobs[1].status")).isEqualTo("queued");
        assertThat(answer.getString("jobs[2].error.field")).isEqualTo("runAt");
        assertThat(answer.getInt("refused")).isEqualTo(1);
    }
}
