package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.maintenance.ExpiredKeySweeper;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class IdempotencyKeyIT {

    private static final StubSite SITE = new StubSite();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ExpiredKeySweeper sweeper;

    @TestHTTPResource("/v1/jobs")
    URI jobs;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static ValidatableResponse post(String path, String key, Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(body)
                .when()
                .post(path)
                .then();
    }

    private static void problemNamingTheHeader(ValidatableResponse response, int status) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("field", equalTo("Idempotency-Key"));
    }

    @Test
    void theSameKeyAndBodyGetTheOriginalAnswer() throws Exception {
        String key = UUID.randomUUID().toString();
        // dedupe off, so only the key can make the second request answer with the first job
        Map<String, Object> body = Map.of("url", SITE.url("/once"), "dedupe", false);

        ExtractableResponse<Response> first =
                post("/v1/jobs", key, body).statusCode(202).extract();
        ExtractableResponse<Response> again =
                post("/v1/jobs", key, body).statusCode(202).extract();

        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(JSON.readTree(again.asString())).isEqualTo(JSON.readTree(first.asString()));
        assertThat(Submits.jobsFor(SITE.url("/once"))).isEqualTo(1);
    }

    @Test
    void aKeyPastItsTimeIsNewAgainAndIsSweptAway() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("url", SITE.url("/expiring"), "dedupe", false);
        String first = post("/v1/jobs", key, body).statusCode(202).extract().header("Location");
        Submits.sql("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ?", key);

        String second = post("/v1/jobs", key, body).statusCode(202).extract().header("Location");
        assertThat(second).isNotEqualTo(first);

        Submits.sql("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ?", key);
        String live = UUID.randomUUID().toString();
        post("/v1/jobs", live, body).statusCode(202);
        assertThat(sweeper.sweep().await().atMost(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1);
        assertThat(Submits.sql("SELECT count(*) FROM idempotency_keys WHERE key = ?", key))
                .isEqualTo("0");
        assertThat(Submits.sql("SELECT count(*) FROM idempotency_keys WHERE key = ?", live))
                .isEqualTo("1");
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        String key = UUID.randomUUID().toString();
        post("/v1/jobs", key, Map.of("url", SITE.url("/first"))).statusCode(202);

        problemNamingTheHeader(post("/v1/jobs", key, Map.of("url", SITE.url("/second"))), 422);
        problemNamingTheHeader(post("/v1/jobs", key, Map.of("url", SITE.url("/first"), "priority", "high")), 422);
        assertThat(Submits.jobsFor(SITE.url("/second"))).isZero();
    }

    @Test
    void anEmptyOrOverlongKeyIs400() {
        problemNamingTheHeader(post("/v1/jobs", "", Map.of("url", SITE.url("/empty-key"))), 400);
        problemNamingTheHeader(post("/v1/jobs", "k".repeat(256), Map.of("url", SITE.url("/long-key"))), 400);
        post("/v1/jobs", "k".repeat(255), Map.of("url", SITE.url("/long-key"))).statusCode(202);
    }

    @Test
    void keysBelongToTheirClient() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("url", SITE.url("/per-client"), "dedupe", false);
        String a = Keys.issue("client a", "api-key");
        String b = Keys.issue("client b", "api-key");
        String mine = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .header("X-API-Key", a)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String again = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .header("Authorization", "Bearer " + a)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String theirs = given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .header("X-API-Key", b)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        assertThat(again).isEqualTo(mine);
        assertThat(theirs).isNotEqualTo(mine);
        // scoped by a digest of the caller's identity, never by the key itself
        assertThat(Submits.sql(
                        "SELECT count(*) FROM idempotency_keys WHERE key = ? AND (client_hash = ? OR client_hash = ?)",
                        key,
                        a,
                        b))
                .isEqualTo("0");
    }

    @Test
    void fiftyConcurrentRetriesWithOneKeyMakeOneJob() throws Exception {
        String body = JSON.writeValueAsString(Map.of("url", SITE.url("/retried"), "dedupe", false));

        List<HttpResponse<String>> answers = Submits.concurrently(
                50, jobs, body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));

        // a retry that arrives while the first request is still being served is told to come back (409)
        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(202, 409);
        Set<String> ids = answers.stream()
                .filter(a -> a.statusCode() == 202)
                .map(a -> field(a.body(), "id"))
                .collect(Collectors.toSet());
        assertThat(ids).hasSize(1);
        assertThat(answers)
                .filteredOn(a -> a.statusCode() == 409)
                .allSatisfy(a -> assertThat(field(a.body(), "field")).isEqualTo("Idempotency-Key"));
        assertThat(Submits.jobsFor(SITE.url("/retried"))).isEqualTo(1);
    }

    @Test
    void theOriginalApiReplaysItsOwnAnswer() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("url", SITE.url("/legacy-once"), "dedupe", false);
        String id = post("/scrape/async", key, body).statusCode(202).extract().path("job_id");

        post("/scrape/async", key, body)
                .statusCode(202)
                .header("Location", endsWith("/jobs/" + id + "/status"))
                .body("job_id", equalTo(id));
        // the same key on another endpoint stands for another request
        problemNamingTheHeader(post("/v1/jobs", key, body), 422);
    }

    private static String field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.path(name).asText();
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }
}
