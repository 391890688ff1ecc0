package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class DeduplicationIT {

    private static final StubSite SITE = new StubSite();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/v1/jobs")
    URI jobs;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static ValidatableResponse post(String path, Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path)
                .then();
    }

    @Test
    void anIdenticalSubmitGetsTheFirstJobWith200() {
        SITE.html("/same", "<html><title>Same</title></html>");
        Map<String, Object> body = Map.of("url", SITE.url("/same"), "formats", List.of("links", "metadata"));
        String id = Jobs.submit(body);

        post("/v1/jobs", Map.of("url", SITE.url("/same"), "formats", List.of("metadata", "links"), "priority", "high"))
                .statusCode(200)
                .header("Location", endsWith("/v1/jobs/" + id))
                .body("id", equalTo(id))
                .body("deduplicated", equalTo(true))
                .body("links.self", equalTo("/v1/jobs/" + id));
        Jobs.awaitStatus(id, "succeeded");
        post("/v1/jobs", body).statusCode(200).body("id", equalTo(id)).body("status", equalTo("succeeded"));
        assertThat(Submits.jobsFor(SITE.url("/same"))).isEqualTo(1);
    }

    @Test
    void dedupeFalseMakesANewJob() {
        SITE.html("/opt-out", "<html><title>Opt out</title></html>");
        String first = Jobs.submit(SITE.url("/opt-out"));

        post("/v1/jobs", Map.of("url", SITE.url("/opt-out"), "dedupe", false))
                .statusCode(202)
                .body("id", not(equalTo(first)))
                .body("$", not(org.hamcrest.Matchers.hasKey("deduplicated")));
    }

    @Test
    void aFailedJobDoesNotBlockAResubmit() {
        String failed = Jobs.submit(SITE.url("/gone"));
        Jobs.awaitStatus(failed, "failed");

        assertThat(Jobs.submit(SITE.url("/gone"))).isNotEqualTo(failed);
    }

    @Test
    void aCancelledJobDoesNotBlockAResubmit() {
        var gate = SITE.gatedHtml("/held", "<html><title>Held</title></html>");
        String cancelled = Jobs.submit(SITE.url("/held"));
        given().when().delete("/v1/jobs/" + cancelled).then().statusCode(202);
        gate.countDown(); // a running job ends as cancelled once its fetch returns
        Jobs.awaitStatus(cancelled, "cancelled");

        assertThat(Jobs.submit(SITE.url("/held"))).isNotEqualTo(cancelled);
    }

    @Test
    void aJobThatSucceededLongerThanTheWindowAgoIsNotReused() {
        SITE.html("/old", "<html><title>Old</title></html>");
        String old = Jobs.submit(SITE.url("/old"));
        Jobs.awaitStatus(old, "succeeded");
        // the window is 10 minutes: move the finish back rather than wait for it
        Submits.sql("UPDATE jobs SET finished_at = now() - interval '11 minutes' WHERE id = ?::uuid", old);

        assertThat(Jobs.submit(SITE.url("/old"))).isNotEqualTo(old);
    }

    @Test
    void fiftyIdenticalSubmitsAtOnceMakeOneJob() throws Exception {
        SITE.html("/rush", "<html><title>Rush</title></html>");
        String body = JSON.writeValueAsString(Map.of("url", SITE.url("/rush")));

        List<HttpResponse<String>> answers = Submits.concurrently(50, jobs, body, Map.of());

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200, 202);
        assertThat(answers).filteredOn(a -> a.statusCode() == 202).hasSize(1);
        Set<String> ids = answers.stream().map(a -> idOf(a.body())).collect(Collectors.toSet());
        assertThat(ids).hasSize(1);
        assertThat(Submits.jobsFor(SITE.url("/rush"))).isEqualTo(1);
    }

    @Test
    void theOriginalApiDeduplicatesToo() {
        SITE.html("/legacy-same", "<html><title>Legacy</title></html>");
        String id = post("/scrape/async", Map.of("url", SITE.url("/legacy-same")))
                .statusCode(202)
                .extract()
                .path("job_id");

        post("/scrape/async", Map.of("url", SITE.url("/legacy-same")))
                .statusCode(200)
                .header("Location", endsWith("/jobs/" + id + "/status"))
                .body("job_id", equalTo(id))
                .body("deduplicated", equalTo(true));
    }

    private static String idOf(String body) {
        try {
            return JSON.readTree(body).path("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }
}
