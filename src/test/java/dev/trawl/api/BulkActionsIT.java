package dev.trawl.api;

import static dev.trawl.api.JobListingIT.as;
import static dev.trawl.api.JobListingIT.awaitStatus;
import static dev.trawl.api.JobListingIT.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.queue.RedisStreamsConnector;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** An operator's bulk actions: re-drive and delete many dead letters, cancel by filter. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class BulkActionsIT {

    private static final StubSite SITE = new StubSite();

    @Inject
    @Connector(RedisStreamsConnector.NAME)
    RedisStreamsConnector connector;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static JsonPath admin(String path, Object body) {
        return as(Keys.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static List<Map<String, Object>> deadLetters() {
        return as(Keys.ADMIN_TOKEN)
                .queryParam("limit", 500)
                .get("/v1/dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
    }

    @Test
    void reDrivingManyDeadLettersRunsEachAgainAndSaysWhatBecameOfTheOthers() {
        SITE.sequence("/bulk-1", StubSite.status(404));
        SITE.sequence("/bulk-2", StubSite.status(404));
        SITE.html("/bulk-fine", "<html><head><title>fine</title></head></html>");
        String key = Keys.issue("henry", "api-key");
        String one = submit(key, Map.of("url", SITE.url("/bulk-1")));
        String two = submit(key, Map.of("url", SITE.url("/bulk-2")));
        String fine = submit(key, Map.of("url", SITE.url("/bulk-fine")));
        awaitStatus(key, one, "failed");
        awaitStatus(key, two, "failed");
        awaitStatus(key, fine, "succeeded");
        SITE.html("/bulk-1", "<html><head><title>fixed</title></head></html>");
        SITE.html("/bulk-2", "<html><head><title>fixed</title></head></html>");

        String unknown = UUID.randomUUID().toString();
        JsonPath answer =
                admin("/v1/admin/dead-letters/redrive", Map.of("jobIds", List.of(one, two, fine, unknown, "x")));
        assertThat(answer.getInt("redriven")).isEqualTo(2);
        assertThat(answer.getList("items.outcome", String.class))
                .containsExactly("redriven", "redriven", "not-redrivable", "not-found", "not-found");
        assertThat(answer.getString("items[2].status")).isEqualTo("succeeded");
        awaitStatus(key, one, "succeeded");
        awaitStatus(key, two, "succeeded");
    }

    @Test
    void deletingDeadLettersRemovesThemFromTheListButLeavesTheirJobs() {
        SITE.sequence("/bulk-gone", StubSite.status(410));
        String key = Keys.issue("ivy", "api-key");
        String id = submit(key, Map.of("url", SITE.url("/bulk-gone")));
        awaitStatus(key, id, "failed");
        String entry = deadLetters().stream()
                .filter(l -> id.equals(l.get("jobId")))
                .map(l -> (String) l.get("id"))
                .findFirst()
                .orElseThrow();

        JsonPath answer = admin("/v1/admin/dead-letters/delete", Map.of("ids", List.of(entry, "1-0")));
        assertThat(answer.getInt("asked")).isEqualTo(2);
        assertThat(answer.getLong("deleted")).isEqualTo(1);
        assertThat(deadLetters()).noneMatch(l -> id.equals(l.get("jobId")));
        as(key).get("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("failed"));

        as(Keys.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("ids", List.of("not-an-id")))
                .post("/v1/admin/dead-letters/delete")
                .then()
                .statusCode(400)
                .body("field", equalTo("ids[0]"));
    }

    @Test
    void cancellingByFilterCancelsTheMatchingWaitingJobsOnly() {
        SITE.html("/bulk-wait", "<html><head><title>wait</title></head></html>");
        String key = Keys.issue("jack", "api-key");
        as(Keys.ADMIN_TOKEN).put("/v1/admin/queues/low/pause").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> connector.incomingChannels().stream()
                        .allMatch(channel -> channel.takesNothingFrom(TestServices.KEY_PREFIX + "jobs:low")));
        try {
            String a = submit(key, Map.of("url", SITE.url("/bulk-wait?a"), "priority", "low"));
            String b = submit(key, Map.of("url", SITE.url("/bulk-wait?b"), "priority", "low"));
            JsonPath answer =
                    admin("/v1/admin/jobs/cancel", Map.of("priority", "low", "state", "queued", "limit", 1000));
            assertThat(answer.getInt("matched")).isGreaterThanOrEqualTo(2);
            assertThat(answer.getInt("cancelled")).isEqualTo(answer.getInt("matched"));
            awaitStatus(key, a, "cancelled");
            awaitStatus(key, b, "cancelled");
        } finally {
            as(Keys.ADMIN_TOKEN).delete("/v1/admin/queues/low/pause").then().statusCode(200);
        }
        assertThat(SITE.hits("/bulk-wait")).isZero();
    }

    @Test
    void cancellingByFilterCancelsAJobWaitingForItsStartTimeToo() {
        SITE.html("/bulk-later", "<html><head><title>later</title></head></html>");
        String key = Keys.issue("jill", "api-key");
        String later = submit(key, Map.of("url", SITE.url("/bulk-later"), "delaySeconds", 3600));
        awaitStatus(key, later, "scheduled");

        JsonPath answer = admin(
                "/v1/admin/jobs/cancel",
                Map.of("since", Instant.now().minusSeconds(60).toString(), "limit", 1000));
        assertThat(answer.getInt("cancelled")).isGreaterThanOrEqualTo(1);
        awaitStatus(key, later, "cancelled");
        assertThat(SITE.hits("/bulk-later")).isZero();
    }

    @Test
    void aBulkActionsBadRequestOrCallerIsRefusedWithAProblem() {
        as(Keys.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "succeeded"))
                .post("/v1/admin/jobs/cancel")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("state"));
        as(Keys.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("jobIds", List.of()))
                .post("/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        String key = Keys.issue("kim", "api-key");
        as(key).contentType(ContentType.JSON)
                .body(Map.of("jobIds", List.of(UUID.randomUUID().toString())))
                .post("/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(403);
    }
}
