package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** GET /v1/jobs: a tenant's own jobs, newest first, filtered and paged by a keyset cursor. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class JobListingIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    static String submit(String key, Map<String, Object> body) {
        return as(key).contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    static String status(String key, String id) {
        return as(key).get("/v1/jobs/" + id).then().statusCode(200).extract().path("status");
    }

    static void awaitStatus(String key, String id, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(status(key, id)));
    }

    private static JsonPath list(String key, Map<String, ?> query) {
        return as(key).queryParams(query)
                .when()
                .get("/v1/jobs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void aTenantPagesThroughItsOwnJobsNewestFirstAndNeverSeesAnothersWhileAnAdminSeesAll() {
        SITE.html("/list-a", "<html><head><title>A</title></head></html>");
        String alice = Keys.issue("alice", "api-key");
        String bob = Keys.issue("bob", "api-key");
        String first = submit(alice, Map.of("url", SITE.url("/list-a?1")));
        String second = submit(alice, Map.of("url", SITE.url("/list-a?2")));
        String third = submit(alice, Map.of("url", SITE.url("/list-a?3")));
        String bobs = submit(bob, Map.of("url", SITE.url("/list-a?b")));

        JsonPath page = list(alice, Map.of("limit", 2));
        assertThat(page.getList("items.id", String.class)).containsExactly(third, second);
        assertThat(page.getString("items[0].url")).isEqualTo(SITE.url("/list-a?3"));
        assertThat(page.getString("items[0].priority")).isEqualTo("normal");
        JsonPath rest = list(alice, Map.of("limit", 2, "cursor", page.getString("next")));
        assertThat(rest.getList("items.id", String.class)).containsExactly(first);
        assertThat(rest.getString("next")).isNull();

        assertThat(list(bob, Map.of()).getList("items.id", String.class)).containsExactly(bobs);
        assertThat(list(Keys.ADMIN_TOKEN, Map.of("limit", 200)).getList("items.id", String.class))
                .contains(first, second, third, bobs);
    }

    @Test
    void filtersByStatePriorityAndCreationTime() {
        SITE.html("/ok", "<html><head><title>ok</title></head></html>");
        SITE.sequence("/missing", StubSite.status(404));
        String carol = Keys.issue("carol", "api-key");
        Instant before = Instant.now().minusSeconds(1);
        String failed = submit(carol, Map.of("url", SITE.url("/missing"), "priority", "high"));
        String succeeded = submit(carol, Map.of("url", SITE.url("/ok")));
        awaitStatus(carol, failed, "failed");
        awaitStatus(carol, succeeded, "succeeded");

        JsonPath onlyFailed = list(carol, Map.of("state", "failed"));
        assertThat(onlyFailed.getList("items.id", String.class)).containsExactly(failed);
        assertThat(onlyFailed.getString("items[0].errorCode")).isEqualTo("http-404");
        assertThat(list(carol, Map.of("priority", "high")).getList("items.id", String.class))
                .containsExactly(failed);
        assertThat(list(carol, Map.of("since", before.toString())).getList("items.id", String.class))
                .containsExactly(succeeded, failed);
        assertThat(list(carol, Map.of("until", before.toString())).getList("items", Object.class))
                .isEmpty();
    }

    @Test
    void aMalformedFilterIsA400NamingIt() {
        for (var bad : List.of(
                Map.entry("state", "done"),
                Map.entry("priority", "urgent"),
                Map.entry("since", "yesterday"),
                Map.entry("until", "2026-13-01"),
                Map.entry("since", "+300000-01-01T00:00:00Z"),
                Map.entry("cursor", "not-a-job-id"))) {
            given().queryParam(bad.getKey(), bad.getValue())
                    .when()
                    .get("/v1/jobs")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://trawl.dev/problems/invalid-request"))
                    .body("field", equalTo(bad.getKey()));
        }
        given().queryParam("limit", 0).when().get("/v1/jobs").then().statusCode(400);
        given().queryParam("limit", 201).when().get("/v1/jobs").then().statusCode(400);
        given().queryParams(Map.of("since", "2026-11-02T00:00:00Z", "until", "2026-11-01T00:00:00Z"))
                .when()
                .get("/v1/jobs")
                .then()
                .statusCode(400)
                .body("field", equalTo("until"));
    }

    @Test
    void aCallerWithNoJobsGetsAnEmptyLastPage() {
        String dave = Keys.issue("dave", "api-key");
        as(dave).when()
                .get("/v1/jobs")
                .then()
                .statusCode(200)
                .body("items", hasSize(0))
                .body("next", nullValue());
    }
}
