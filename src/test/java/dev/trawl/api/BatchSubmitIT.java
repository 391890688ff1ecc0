package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/jobs/batch}: many jobs in one request, each answered in its place. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class BatchSubmitIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static ValidatableResponse post(Object body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs/batch")
                .then();
    }

    private static ValidatableResponse post(Object body, String idempotencyKey) {
        return given().contentType(ContentType.JSON)
                .header("Idempotency-Key", idempotencyKey)
                .body(body)
                .when()
                .post("/v1/jobs/batch")
                .then();
    }

    @Test
    void everyItemIsAnsweredInItsPlaceAndOnlyTheInvalidOnesAreRefused() {
        SITE.html("/batch-a", "<title>A</title>");
        SITE.html("/batch-b", "<title>B</title>");
        List<Object> jobs = List.of(
                Map.of("url", SITE.url("/batch-a"), "formats", List.of("metadata")),
                Map.of("url", "ftp://example.org/file"),
                Map.of("url", SITE.url("/batch-b"), "priority", "high"),
                Map.of("url", SITE.url("/batch-a"), "formats", List.of("pdf")),
                Map.of("url", List.of("not", "a", "string")));

        JsonPath answer = post(Map.of("jobs", jobs))
                .statusCode(202)
                .body("jobs", hasSize(5))
                .body("accepted", equalTo(2))
                .body("refused", equalTo(3))
                .body("jobs[0].status", equalTo("queued"))
                .body("jobs[0].error", nullValue())
                .body("jobs[1].error.status", equalTo(400))
                .body("jobs[1].error.field", equalTo("url"))
                .body("jobs[2].status", equalTo("queued"))
                .body("jobs[3].error.field", equalTo("formats[0]"))
                .body("jobs[4].error.field", equalTo("url"))
                .extract()
                .jsonPath();

        String a = answer.getString("jobs[0].id");
        String b = answer.getString("jobs[2].id");
        assertThat(answer.getString("jobs[0].links.self")).isEqualTo("/v1/jobs/" + a);
        Jobs.awaitStatus(a, "succeeded");
        Jobs.awaitStatus(b, "succeeded");
        given().when().get("/v1/jobs/" + b).then().body("priority", equalTo("high"));
    }

    @Test
    void twoIdenticalJobsOfOneBatchAreOneJob() {
        SITE.html("/batch-twice", "<title>twice</title>");
        Map<String, Object> job = Map.of("url", SITE.url("/batch-twice"));

        JsonPath answer = post(Map.of("jobs", List.of(job, job)))
                .statusCode(202)
                .extract()
                .jsonPath();

        assertThat(answer.getString("jobs[1].id")).isEqualTo(answer.getString("jobs[0].id"));
        assertThat(answer.getBoolean("jobs[1].deduplicated")).isTrue();
        assertThat(answer.getString("jobs[0].deduplicated")).isNull();
        Jobs.awaitStatus(answer.getString("jobs[0].id"), "succeeded");
    }

    @Test
    void aRetriedBatchWithTheSameIdempotencyKeyGetsTheSameAnswerAndQueuesNothingAgain() {
        SITE.html("/batch-key", "<title>key</title>");
        String key = "batch-" + UUID.randomUUID();
        Map<String, Object> body = Map.of(
                "jobs", List.of(Map.of("url", SITE.url("/batch-key"), "dedupe", false), Map.of("url", "not a url")));

        String first = post(body, key).statusCode(202).extract().asString();
        String again = post(body, key).statusCode(202).extract().asString();

        assertThat(again).isEqualTo(first);
        post(Map.of("jobs", List.of(Map.of("url", SITE.url("/batch-key"), "dedupe", false))), key)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("field", equalTo("Idempotency-Key"));
        Jobs.awaitStatus(JsonPath.from(first).getString("jobs[0].id"), "succeeded");
    }

    @Test
    void aBatchMustHoldOneToAThousandJobs() {
        post(Map.of("jobs", List.of()))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("jobs"));
        List<Object> tooMany = new ArrayList<>();
        IntStream.range(0, 1001).forEach(i -> tooMany.add(Map.of("url", "http://example.org/" + i)));
        post(Map.of("jobs", tooMany)).statusCode(400).body("field", equalTo("jobs"));
        post(Map.of("jobz", List.of())).statusCode(400).body("field", equalTo("jobz"));
    }

    @Test
    void aBatchLargerThanTheSingleSubmitLimitIsAcceptedButNotOneOverTheBatchLimit() {
        SITE.html("/batch-large", "<title>large</title>");
        // about 100 KB, over the 64K a single submit may send; one job, the others deduplicated to it
        Map<String, Object> job = Map.of("url", SITE.url("/batch-large"), "headers", Map.of("X-Pad", "p".repeat(40)));
        JsonPath answer = post(Map.of("jobs", java.util.Collections.nCopies(1000, job)))
                .statusCode(202)
                .body("accepted", equalTo(1000))
                .extract()
                .jsonPath();
        assertThat(answer.getList("jobs.id")).containsOnly(answer.getString("jobs[0].id"));
        Jobs.awaitStatus(answer.getString("jobs[0].id"), "succeeded");

        String huge = "{\"jobs\": [{\"url\": \"http://example.org/\", \"headers\": {\"X-Pad\": \""
                + "x".repeat(3 * 1024 * 1024) + "\"}}]}";
        post(huge)
                .statusCode(413)
                .contentType("application/problem+json")
                .body("field", equalTo("body"))
                .body("type", equalTo("https://trawl.dev/problems/body-too-large"));
    }
}
