package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.trawl.support.Jobs;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The original scraper API's paths keep working for its clients. */
@QuarkusTest
class LegacyApiIT {

    private static final StubSite SITE = new StubSite();

    @TestHTTPResource("/")
    URL base;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void asyncScrapeAnswersWithTheJobAndItsStreamAndThePathsServeIt() {
        SITE.html("/legacy", "<html><head><title>Legacy</title></head><body>old clients</body></html>");
        var accepted = given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/legacy")))
                .when()
                .post("/scrape/async")
                .then()
                .statusCode(202)
                .body("status", equalTo("queued"))
                .extract();
        String id = accepted.path("job_id");
        assertThat(accepted.<String>path("stream_url")).isEqualTo("/jobs/" + id + "/stream");

        try (SseClient sse = SseClient.open(base + "jobs/" + id + "/stream", null)) {
            assertThat(sse.readToEnd(Duration.ofSeconds(30)))
                    .extracting(SseClient.Event::type)
                    .containsExactly("queued", "started", "page", "succeeded");
        }
        given().when()
                .get("/jobs/" + id + "/status")
                .then()
                .statusCode(200)
                .body("job_id", equalTo(id))
                .body("status", equalTo("succeeded"))
                .body("created_at", notNullValue())
                .body("finished_at", notNullValue());
        given().when()
                .get("/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body("job_id", equalTo(id))
                .body("pages[0].title", equalTo("Legacy"))
                .body("pages[0].text", equalTo("old clients"));
    }

    @Test
    void synchronousScrapeWaitsForTheResult() {
        SITE.html("/sync", "<title>Sync</title><p>right away</p>");
        given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/sync")))
                .when()
                .post("/scrape")
                .then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("pages[0].title", equalTo("Sync"));
    }

    @Test
    void synchronousScrapeReportsAFailedJobWithItsError() {
        given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/gone")))
                .when()
                .post("/scrape")
                .then()
                .statusCode(200)
                .body("status", equalTo("failed"))
                .body("error.code", equalTo("http-404"));
    }

    @Test
    void synchronousScrapeThatRunsOutOfTimeIsAGatewayTimeoutAndTheJobGoesOn() {
        CountDownLatch gate = SITE.gatedHtml("/too-slow", "<title>late</title>");
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/too-slow")))
                .when()
                .post("/scrape")
                .then()
                .statusCode(504)
                .contentType("application/problem+json")
                .body("jobStatus", equalTo("running"))
                .extract()
                .path("jobId");
        gate.countDown();
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void legacyPathsAnswerProblemsForUnknownJobsAndBadInput() {
        given().when()
                .get("/jobs/00000000-0000-0000-0000-000000000000/status")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/jobs/nope/stream").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/scrape/async")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("url"));
        given().contentType(ContentType.JSON)
                .body("{\"url\": 42}")
                .when()
                .post("/scrape")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }
}
