package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import dev.trawl.events.EventLog;
import dev.trawl.events.StoredEvent;
import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class DeadLetterIT {

    private static final String TOKEN = "test-admin-token";
    private static final StubSite SITE = new StubSite();

    @Inject
    EventLog events;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aJobThatExhaustsItsRetriesIsDeadLetteredAndSucceedsWhenRedrivenAfterThePageIsFixed() {
        SITE.sequence("/down", StubSite.status(503));
        String id = Jobs.submit(SITE.url("/down"));
        Jobs.awaitStatus(id, "failed");

        Map<String, Object> letter = deadLetterOf(id);
        assertThat(letter)
                .containsEntry("url", SITE.url("/down"))
                .containsEntry("errorCode", "http-503")
                .containsEntry("attempts", 3)
                .containsEntry("status", "failed");
        assertThat((String) letter.get("id")).matches("\\d+-\\d+");

        SITE.html("/down", "<html><head><title>Back</title></head><body>fixed</body></html>");
        given().header(AdminToken.HEADER, TOKEN)
                .when()
                .post("/v1/jobs/" + id + "/retry")
                .then()
                .statusCode(202)
                .body("id", equalTo(id))
                .body("status", equalTo("queued"))
                .body("attempt", equalTo(3))
                .body("error.attempts", hasSize(3));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(SITE.hits("/down")).isEqualTo(4);
        List<StoredEvent> log = eventsOf(id);
        assertThat(log.stream().map(StoredEvent::type))
                .containsSubsequence("failed", "queued", "started", "page", "succeeded");
        StoredEvent requeued = log.stream()
                .filter(e -> e.type().equals("queued"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(new JsonObject(requeued.json()).getJsonObject("data").getString("reason"))
                .isEqualTo("redriven");
        assertThat(deadLetterOf(id)).containsEntry("status", "succeeded");
    }

    @Test
    void aPermanentFailureIsDeadLetteredAfterOneAttempt() {
        SITE.sequence("/gone", StubSite.status(404));
        String id = Jobs.submit(SITE.url("/gone"));
        Jobs.awaitStatus(id, "failed");

        assertThat(deadLetterOf(id)).containsEntry("errorCode", "http-404").containsEntry("attempts", 1);
    }

    @Test
    void deadLettersArePagedNewestFirst() {
        SITE.sequence("/first", StubSite.status(404));
        SITE.sequence("/second", StubSite.status(404));
        String first = Jobs.submit(SITE.url("/first"));
        Jobs.awaitStatus(first, "failed");
        String second = Jobs.submit(SITE.url("/second"));
        Jobs.awaitStatus(second, "failed");

        JsonPath page = given().header(AdminToken.HEADER, TOKEN)
                .queryParam("limit", 1)
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .extract()
                .jsonPath();
        assertThat(page.getString("items[0].jobId")).isEqualTo(second);
        given().header(AdminToken.HEADER, TOKEN)
                .queryParam("limit", 1)
                .queryParam("after", page.getString("next"))
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(200)
                .body("items[0].jobId", equalTo(first));
    }

    @Test
    void pagingAfterTheFirstIdThereCanBeIsAnEmptyPage() {
        SITE.sequence("/before-the-first", StubSite.status(404));
        Jobs.awaitStatus(Jobs.submit(SITE.url("/before-the-first")), "failed");

        for (String first : List.of("0-0", "0")) {
            given().header(AdminToken.HEADER, TOKEN)
                    .queryParam("after", first)
                    .when()
                    .get("/v1/dead-letters")
                    .then()
                    .statusCode(200)
                    .body("items", hasSize(0))
                    .body("next", equalTo(null));
        }
    }

    @Test
    void aWrongOrMissingAdminTokenIsRefusedWith401NamingTheHeader() {
        SITE.sequence("/refused", StubSite.status(404));
        String id = Jobs.submit(SITE.url("/refused"));
        Jobs.awaitStatus(id, "failed");

        given().header(AdminToken.HEADER, "wrong")
                .when()
                .post("/v1/jobs/" + id + "/retry")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("field", equalTo("X-Admin-Token"));
        given().when().post("/v1/jobs/" + id + "/retry").then().statusCode(401).body("field", equalTo("X-Admin-Token"));
        given().header(AdminToken.HEADER, "wrong")
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(401)
                .body("field", equalTo("X-Admin-Token"));
        assertThat(Jobs.status(id)).isEqualTo("failed");
    }

    @Test
    void redrivingAJobThatDidNotFailIsAConflictNamingItsStatus() {
        SITE.html("/fine", "<html><body>ok</body></html>");
        String id = Jobs.submit(SITE.url("/fine"));
        Jobs.awaitStatus(id, "succeeded");

        given().header(AdminToken.HEADER, TOKEN)
                .when()
                .post("/v1/jobs/" + id + "/retry")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("jobStatus", equalTo("succeeded"))
                .body("detail", startsWith("The job is succeeded"));
        given().header(AdminToken.HEADER, TOKEN)
                .when()
                .post("/v1/jobs/" + UUID.randomUUID() + "/retry")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aBadCursorIsA400NamingIt() {
        given().header(AdminToken.HEADER, TOKEN)
                .queryParam("after", "yesterday")
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(400)
                .body("field", equalTo("after"));
    }

    private static Map<String, Object> deadLetterOf(String id) {
        List<Map<String, Object>> items = given().header(AdminToken.HEADER, TOKEN)
                .queryParam("limit", 500)
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        return items.stream()
                .filter(item -> id.equals(item.get("jobId")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("job " + id + " is not dead-lettered"));
    }

    private List<StoredEvent> eventsOf(String id) {
        return events.readAfter(UUID.fromString(id), "0-0", 100).await().atMost(Duration.ofSeconds(5));
    }
}
