package dev.trawl.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.job.JobIds;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobStore;
import dev.trawl.job.NewJob;
import dev.trawl.job.Priority;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One tenant can never see, follow, cancel or re-drive another's job, nor learn its id. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class TenantIsolationIT {

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    JobStore store;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static RequestSpecification as(String key) {
        return key == null ? given() : given().header("Authorization", "Bearer " + key);
    }

    private static ExtractableResponse<Response> submit(String key, Map<String, Object> body) {
        return as(key).contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .extract();
    }

    private static String status(String key, String id) {
        return as(key).when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    private static void notFound(ValidatableResponse response) {
        response.statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/job-not-found"));
    }

    /** Every way to read or act on a job by its id, as {@code key}: each must be a 404. */
    private static void hiddenFrom(String key, String id) {
        notFound(as(key).when().get("/v1/jobs/" + id).then());
        notFound(as(key).when().get("/v1/jobs/" + id + "/result").then());
        notFound(as(key).when().get("/v1/jobs/" + id + "/ops").then());
        notFound(as(key).header("Accept", "text/event-stream")
                .when()
                .get("/v1/jobs/" + id + "/events")
                .then());
        notFound(as(key).when().delete("/v1/jobs/" + id).then());
        notFound(as(key).when().get("/jobs/" + id + "/status").then());
        notFound(as(key).when().get("/jobs/" + id + "/result").then());
        notFound(as(key).header("Accept", "text/event-stream")
                .when()
                .get("/jobs/" + id + "/stream")
                .then());
    }

    @Test
    void anotherTenantsJobIsNotFoundOnEveryPathButAdminsSeeIt() {
        String a = Keys.issue("tenant a", "api-key");
        String b = Keys.issue("tenant b", "premium");
        SITE.html("/isolated", "<title>a's page</title>");
        String id = submit(a, Map.of("url", SITE.url("/isolated"), "formats", List.of("metadata")))
                .path("id");
        await().atMost(WAIT).until(() -> "succeeded".equals(status(a, id)));

        hiddenFrom(b, id);
        hiddenFrom(null, id);

        as(a).when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body("pages[0].metadata.title", equalTo("a's page"));
        as(a).when().get("/v1/jobs/" + id + "/ops").then().statusCode(200);
        as(Keys.ADMIN_TOKEN).when().get("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("succeeded"));
        as(Keys.ADMIN_TOKEN).when().get("/v1/jobs/" + id + "/result").then().statusCode(200);
    }

    @Test
    void anotherTenantCannotCancelARunningJob() throws Exception {
        String a = Keys.issue("cancel owner", "api-key");
        String b = Keys.issue("cancel stranger", "api-key");
        CountDownLatch release = SITE.gatedHtml("/held", "<title>held</title>");
        String id = submit(a, Map.of("url", SITE.url("/held"), "formats", List.of("metadata")))
                .path("id");
        await().atMost(WAIT).until(() -> "running".equals(status(a, id)));

        notFound(as(b).when().delete("/v1/jobs/" + id).then());
        release.countDown();

        await().atMost(WAIT).until(() -> "succeeded".equals(status(a, id)));
    }

    @Test
    void theSameRequestFromAnotherTenantGetsAJobOfItsOwn() {
        String a = Keys.issue("dedupe a", "api-key");
        String b = Keys.issue("dedupe b", "api-key");
        SITE.html("/shared", "<title>shared</title>");
        Map<String, Object> body =
                Map.of("url", SITE.url("/shared?" + UUID.randomUUID()), "formats", List.of("metadata"));

        ExtractableResponse<Response> first = submit(a, body);
        ExtractableResponse<Response> again = submit(a, body);
        ExtractableResponse<Response> other = submit(b, body);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.<String>path("id")).isEqualTo(first.path("id"));
        assertThat(again.<Boolean>path("deduplicated")).isTrue();
        assertThat(other.statusCode()).isEqualTo(202);
        assertThat(other.<String>path("id")).isNotEqualTo(first.path("id"));
        assertThat(other.<Boolean>path("deduplicated"))
                .as("only a deduplicated answer says so")
                .isNull();
    }

    @Test
    void theSameIdempotencyKeyFromAnotherTenantIsAnotherRequest() {
        String a = Keys.issue("idempotent a", "api-key");
        String b = Keys.issue("idempotent b", "api-key");
        SITE.html("/keyed", "<title>keyed</title>");
        Map<String, Object> body = Map.of("url", SITE.url("/keyed?" + UUID.randomUUID()), "dedupe", false);
        String key = "order-" + UUID.randomUUID();

        String ofA = as(a).header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String ofB = as(b).header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        assertThat(ofB).isNotEqualTo(ofA);
        hiddenFrom(b, ofA);
    }

    @Test
    void aBatchsJobsBelongToItsCaller() {
        String a = Keys.issue("batch a", "api-key");
        String b = Keys.issue("batch b", "api-key");
        String id = as(a).contentType(ContentType.JSON)
                .body(Map.of("jobs", List.of(Map.of("url", SITE.url("/batched/" + UUID.randomUUID())))))
                .when()
                .post("/v1/jobs/batch")
                .then()
                .statusCode(202)
                .extract()
                .path("jobs[0].id");

        as(a).when().get("/v1/jobs/" + id).then().statusCode(200);
        notFound(as(b).when().get("/v1/jobs/" + id).then());
    }

    @Test
    void aJobFromBeforeTenancyIsAnAdminsOnly() {
        UUID id = JobIds.next();
        store.insert(NewJob.of(id, new JobSpec(SITE.url("/ownerless"), List.of("text"), Priority.LOW), null, false))
                .await()
                .atMost(WAIT);

        notFound(given().when().get("/v1/jobs/" + id).then());
        as(Keys.ADMIN_TOKEN).when().get("/v1/jobs/" + id).then().statusCode(200);
    }
}
