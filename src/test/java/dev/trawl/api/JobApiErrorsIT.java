package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every mistake a client can make is a 4xx problem+json that names what is wrong. */
@QuarkusTest
class JobApiErrorsIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static ValidatableResponse post(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then();
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status, String field) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("https://trawl.dev/problems/"))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("field", equalTo(field));
    }

    @Test
    void malformedJsonIsRejected() {
        problem(post("{\"url\": \"http://example.org\""), 400, "body").body("detail", containsString("not valid JSON"));
    }

    @Test
    void aMissingBodyIsRejected() {
        problem(given().contentType(ContentType.JSON).when().post("/v1/jobs").then(), 400, "body");
    }

    @Test
    void aMissingUrlIsRejected() {
        problem(post("{\"priority\": \"high\"}"), 400, "url").body("detail", containsString("url: is required"));
    }

    @Test
    void aNonHttpUrlIsRejected() {
        problem(post("{\"url\": \"ftp://example.org/file\"}"), 400, "url");
        problem(post("{\"url\": \"file:///etc/passwd\"}"), 400, "url");
        problem(post("{\"url\": \"not a url\"}"), 400, "url");
    }

    @Test
    void aUrlWithoutAHostIsRejected() {
        problem(post("{\"url\": \"http://\"}"), 400, "url");
    }

    @Test
    void aUrlLongerThan2048CharactersIsRejected() {
        String url = "http://example.org/" + "a".repeat(2048);
        problem(post("{\"url\": \"" + url + "\"}"), 400, "url").body("detail", containsString("2048"));
    }

    @Test
    void anUnknownPriorityIsRejected() {
        problem(post("{\"url\": \"http://example.org\", \"priority\": \"urgent\"}"), 400, "priority");
    }

    @Test
    void anUnknownFormatIsRejectedNamingTheElement() {
        problem(post("{\"url\": \"http://example.org\", \"formats\": [\"pdf\"]}"), 400, "formats[0]");
    }

    @Test
    void aWronglyTypedFieldIsRejected() {
        problem(post("{\"url\": [\"http://example.org\"]}"), 400, "url");
        problem(post("{\"url\": \"http://example.org\", \"formats\": \"text\"}"), 400, "formats");
    }

    @Test
    void anUnknownFieldIsRejected() {
        problem(post("{\"url\": \"http://example.org\", \"prority\": \"high\"}"), 400, "prority");
    }

    @Test
    void anOversizedBodyIsRejected() {
        String body = "{\"url\": \"http://example.org\", \"pad\": \"" + "x".repeat(128 * 1024) + "\"}";
        problem(post(body), 413, "body");
    }

    @Test
    void aNonJsonContentTypeIsRejected() {
        given().contentType(ContentType.TEXT)
                .body("http://example.org")
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void anUnknownJobIsNotFound() {
        String id = UUID.randomUUID().toString();
        problem(given().when().get("/v1/jobs/" + id).then(), 404, "id").body("detail", containsString(id));
        problem(given().when().get("/v1/jobs/" + id + "/result").then(), 404, "id");
        problem(given().when().get("/v1/jobs/" + id + "/events").then(), 404, "id");
        problem(given().when().delete("/v1/jobs/" + id).then(), 404, "id");
    }

    @Test
    void aMalformedJobIdIsNotFound() {
        problem(given().when().get("/v1/jobs/not-a-uuid").then(), 404, "id");
        problem(given().when().get("/v1/jobs/../../etc").then(), 404, null);
    }

    @Test
    void theResultOfAJobThatHasNotSucceededIsAConflictNamingItsStatus() {
        CountDownLatch gate = SITE.gatedHtml("/pending", "<title>pending</title>");
        String id = Jobs.submit(SITE.url("/pending"));
        try {
            problem(given().when().get("/v1/jobs/" + id + "/result").then(), 409, null)
                    .body("jobId", equalTo(id))
                    .body("detail", containsString("succeeded"));
        } finally {
            gate.countDown();
        }
        Jobs.awaitStatus(id, "succeeded");
    }

    @Test
    void anInvalidPageOfTheResultIsRejected() {
        String id = UUID.randomUUID().toString();
        problem(
                given().queryParam("limit", 0)
                        .when()
                        .get("/v1/jobs/" + id + "/result")
                        .then(),
                400,
                "limit");
        problem(
                given().queryParam("offset", -1)
                        .when()
                        .get("/v1/jobs/" + id + "/result")
                        .then(),
                400,
                "offset");
        problem(
                given().queryParam("limit", "many")
                        .when()
                        .get("/v1/jobs/" + id + "/result")
                        .then(),
                404,
                null);
    }

    @Test
    void aMalformedLastEventIdIsRejected() {
        SITE.html("/sse-bad-id", "<title>x</title>");
        String id = Jobs.submit(SITE.url("/sse-bad-id"));
        problem(
                given().header("Last-Event-ID", "yesterday")
                        .when()
                        .get("/v1/jobs/" + id + "/events")
                        .then(),
                400,
                "Last-Event-ID");
    }

    @Test
    void aCrawlPatternTheLinearTimeEngineCannotRunIsRefusedNamingIt() {
        Map<String, Object> body = Map.of(
                "url",
                SITE.url("/patterns"),
                "crawl",
                Map.of("maxPages", 5, "include", List.of("/docs/", "(a)\\1"), "exclude", List.of("(?<=x)y")));

        problem(
                        given().contentType(ContentType.JSON)
                                .body(body)
                                .when()
                                .post("/v1/jobs")
                                .then(),
                        400,
                        "crawl.include[1]")
                .body("detail", containsString("RE2"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "p:matches((a+)+$)",
                "p:matchesOwn(x)",
                "div:has(p:matchesWholeText(x))",
                "p:not(:matchesWholeOwnText(x))",
                "a[href~=(a+)+$]",
                "p:m\\atches(x)"
            })
    void aSelectorThatRunsARegularExpressionIsRefusedNamingIt(String selector) {
        Map<String, Object> body = Map.of("url", SITE.url("/selectors"), "selectors", Map.of("price", selector));

        problem(
                        given().contentType(ContentType.JSON)
                                .body(body)
                                .when()
                                .post("/v1/jobs")
                                .then(),
                        400,
                        "selectors.price")
                .body("detail", containsString("regular expression"));
    }

    @Test
    void aSelectorWithoutARegularExpressionIsAccepted() {
        SITE.html("/selectors-ok", "<p class=price>3</p>");
        Jobs.submit(Map.of(
                "url",
                SITE.url("/selectors-ok"),
                "selectors",
                Map.of(
                        "price",
                        "p.price:containsOwn(3)",
                        "link",
                        Map.of("selector", "a[href^=http]", "attr", "href"))));
    }

    @Test
    void aLastEventIdAfterWhichNoEventCanComeIsRejectedOnBothStreamRoutes() {
        SITE.html("/sse-max-id", "<title>x</title>");
        String id = Jobs.submit(SITE.url("/sse-max-id"));
        String largest = "18446744073709551615-18446744073709551615";
        problem(
                given().header("Last-Event-ID", largest)
                        .when()
                        .get("/v1/jobs/" + id + "/events")
                        .then(),
                400,
                "Last-Event-ID");
        Jobs.awaitStatus(id, "succeeded");
        problem(
                given().header("Last-Event-ID", largest)
                        .when()
                        .get("/v1/jobs/" + id + "/events")
                        .then(),
                400,
                "Last-Event-ID");
        problem(
                given().header("Last-Event-ID", largest)
                        .when()
                        .get("/jobs/" + id + "/stream")
                        .then(),
                400,
                "Last-Event-ID");
    }

    @Test
    void aWrongMethodIsAProblemToo() {
        given().when().put("/v1/jobs").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void aValidSubmissionWithEveryOptionIsAccepted() {
        SITE.html("/options", "<title>options</title>");
        given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/options"), "priority", "low", "formats", List.of("metadata", "text")))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202);
    }
}
