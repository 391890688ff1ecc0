package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.job.JobIds;
import dev.trawl.support.Database;
import dev.trawl.support.Jobs;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read endpoints show a job's row exactly as stored: every member, its nulls and its error
 * object, whatever the job's state, and each of many reads arriving at once gets its own job.
 * The rows are written straight into PostgreSQL, so each test fixes the exact stored values; a
 * queued one is read at once and removed, before the reconciler would find it stranded.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class JobReadsIT {

    private static final Database DB = Database.shared(TestServices.DATABASE);
    /** The rows this class made: removed after each test, so no other test's worker or recovery meets them. */
    private static final List<UUID> MADE = new ArrayList<>();

    @TestHTTPResource("/")
    URL base;

    @AfterEach
    void removeTheRows() {
        if (!MADE.isEmpty()) {
            DB.execute("DELETE FROM jobs WHERE id IN ('"
                    + String.join("','", MADE.stream().map(UUID::toString).toList()) + "')");
            MADE.clear();
        }
    }

    private static UUID insertJob(
            String state,
            int attempt,
            String createdAt,
            String startedAt,
            String finishedAt,
            String error,
            int pages,
            String request) {
        UUID id = JobIds.next();
        MADE.add(id);
        // owned by the test's own (anonymous, loopback) caller, which reads them back
        DB.execute("INSERT INTO jobs (id, state, priority, request, job_key, owner, attempt, created_at, started_at, "
                + "finished_at, error, page_count) VALUES ('" + id + "', '" + state + "', 'high', '" + request
                + "', 'k-"
                + id + "', '" + Jobs.LOCAL_CALLER + "', " + attempt + ", " + literal(createdAt) + ", "
                + literal(startedAt) + ", "
                + literal(finishedAt) + ", " + literal(error) + ", " + pages + ")");
        return id;
    }

    private static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    private static String links(UUID id) {
        return "\"links\":{\"self\":\"/v1/jobs/" + id + "\",\"events\":\"/v1/jobs/" + id
                + "/events\",\"result\":\"/v1/jobs/" + id + "/result\"}";
    }

    private static String body(String path) {
        return given().when()
                .get(path)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString();
    }

    @Test
    void aJobThatNeverStartedIsReadBackWithNullTimesAndNoError() {
        UUID id =
                insertJob("queued", 0, "2026-11-23 13:50:53.964869+00", null, null, null, 0, "{\"url\":\"http://a/\"}");

        assertThat(body("/v1/jobs/" + id))
                .isEqualTo("{\"id\":\"" + id + "\",\"status\":\"queued\",\"priority\":\"high\","
                        + "\"attempt\":0,\"createdAt\":\"2026-11-23T13:50:53.964869Z\",\"startedAt\":null,\"finishedAt\":null,"
                        + "\"pages\":0,\"error\":null," + links(id) + "}");
        assertThat(body("/jobs/" + id + "/status"))
                .isEqualTo("{\"job_id\":\"" + id + "\",\"status\":\"queued\","
                        + "\"attempt\":0,\"created_at\":\"2026-11-23T13:50:53.964869Z\",\"started_at\":null,\"finished_at\":null,"
                        + "\"error\":null}");
    }

    @Test
    void aFailedJobShowsItsStoredErrorExactly() {
        String error =
                "{\"code\":\"http-503\",\"transient\":true,\"statusCode\":503,\"message\":\"HTTP 503 \\\"ü\\\" ☃\","
                        + "\"attempts\":[{\"attempt\":1,\"code\":\"timeout\",\"retryAfter\":1.5},"
                        + "{\"attempt\":2,\"big\":12345678901234,\"none\":null,\"nested\":{\"a\":[1,2.25,-3e-5,false]}}]}";
        UUID id = insertJob(
                "failed",
                3,
                "2026-11-23 13:50:53+01",
                "2026-11-23 13:50:54.1+00",
                "2026-11-23 13:50:58.000001+00",
                error,
                0,
                "{\"url\":\"http://a/\"}");

        // jsonb keeps keys ordered by length, then bytes; the API shows them in that order
        String shown =
                "{\"code\":\"http-503\",\"message\":\"HTTP 503 \\\"ü\\\" ☃\",\"attempts\":[{\"code\":\"timeout\","
                        + "\"attempt\":1,\"retryAfter\":1.5},{\"big\":12345678901234,\"none\":null,\"nested\":{\"a\":[1,2.25,-3.0E-5,"
                        + "false]},\"attempt\":2}],\"transient\":true,\"statusCode\":503}";
        assertThat(body("/v1/jobs/" + id))
                .isEqualTo("{\"id\":\"" + id + "\",\"status\":\"failed\",\"priority\":\"high\","
                        + "\"attempt\":3,\"createdAt\":\"2026-11-23T12:50:53Z\",\"startedAt\":\"2026-11-23T13:50:54.1Z\","
                        + "\"finishedAt\":\"2026-11-23T13:50:58.000001Z\",\"pages\":0,\"error\":" + shown + ","
                        + links(id) + "}");
        assertThat(body("/jobs/" + id + "/status"))
                .isEqualTo("{\"job_id\":\"" + id + "\",\"status\":\"failed\","
                        + "\"attempt\":3,\"created_at\":\"2026-11-23T12:50:53Z\",\"started_at\":\"2026-11-23T13:50:54.1Z\","
                        + "\"finished_at\":\"2026-11-23T13:50:58.000001Z\",\"error\":" + shown + "}");
    }

    @Test
    void aResultShowsEachPageInTheFormatsItsJobAskedFor() {
        UUID id = insertJob(
                "succeeded",
                1,
                "2026-11-23 13:50:53+00",
                "2026-11-23 13:50:54+00",
                "2026-11-23 13:50:55+00",
                null,
                1,
                "{\"url\":\"http://a/\",\"formats\":[\"metadata\",\"links\"]}");
        DB.execute(
                "INSERT INTO pages (job_id, url, final_url, status_code, content_type, title, description, text, links, "
                        + "depth, metadata, markdown, html, fields, error, skip_reason) VALUES "
                        + "('" + id + "', 'http://a/', 'http://a/', 200, 'text/html', 'T', 'D', 'not asked for', "
                        + "'{http://a/x,http://a/y}', 0, '{\"title\":\"T\",\"contentLength\":20480}', '# not asked for', NULL, "
                        + "'{\"h\":\"x\",\"tags\":[\"a\",\"b\"]}', NULL, NULL), "
                        + "('" + id
                        + "', 'http://a/missing', NULL, 404, NULL, NULL, NULL, NULL, '{}', 1, NULL, NULL, NULL, NULL, "
                        + "'{\"code\":\"http-404\",\"transient\":false,\"statusCode\":404}', NULL), "
                        + "('" + id
                        + "', 'http://a/private', NULL, 0, NULL, NULL, NULL, NULL, '{}', 1, NULL, NULL, NULL, '{}', NULL, "
                        + "'robots-disallowed')");

        String fetched =
                "{\"url\":\"http://a/\",\"finalUrl\":\"http://a/\",\"statusCode\":200,\"contentType\":\"text/html\","
                        + "\"depth\":0,\"title\":\"T\",\"description\":\"D\",\"metadata\":{\"title\":\"T\",\"contentLength\":20480},"
                        + "\"links\":[\"http://a/x\",\"http://a/y\"],\"fields\":{\"h\":\"x\",\"tags\":[\"a\",\"b\"]}}";
        String failed = "{\"url\":\"http://a/missing\",\"depth\":1,"
                + "\"error\":{\"code\":\"http-404\",\"transient\":false,\"statusCode\":404}}";
        String skipped = "{\"url\":\"http://a/private\",\"depth\":1,\"skipped\":\"robots-disallowed\"}";
        assertThat(body("/v1/jobs/" + id + "/result"))
                .isEqualTo("{\"id\":\"" + id + "\",\"status\":\"succeeded\","
                        + "\"offset\":0,\"limit\":100,\"total\":3,\"pages\":[" + fetched + "," + failed + "," + skipped
                        + "]}");
        assertThat(body("/v1/jobs/" + id + "/result?offset=1&limit=1"))
                .isEqualTo("{\"id\":\"" + id
                        + "\",\"status\":\"succeeded\",\"offset\":1,\"limit\":1,\"total\":3,\"pages\":[" + failed + "],"
                        + "\"next\":\"/v1/jobs/" + id + "/result?offset=2&limit=1\"}");
        assertThat(body("/jobs/" + id + "/result"))
                .isEqualTo("{\"job_id\":\"" + id + "\",\"status\":\"succeeded\"," + "\"pages\":[" + fetched + ","
                        + failed + "," + skipped + "]}");
    }

    @Test
    void aResultOfLargePagesComesInResponsesBoundedByBytesEachLinkingToTheNext() {
        UUID id = insertJob(
                "succeeded",
                1,
                "2026-11-23 13:50:53+00",
                "2026-11-23 13:50:54+00",
                "2026-11-23 13:50:55+00",
                null,
                5,
                "{\"url\":\"http://a/\",\"formats\":[\"html\"]}");
        // 1.5 MB, 1.5 MB, 1.5 MB, 6 MB (more than the 4 MiB budget on its own), 0.5 MB of stored HTML
        int[] kilobytes = {1500, 1500, 1500, 6000, 500};
        for (int i = 0; i < kilobytes.length; i++) {
            DB.execute("INSERT INTO pages (job_id, url, status_code, depth, html) VALUES ('" + id + "', 'http://a/" + i
                    + "', 200, 0, repeat('<p>' || md5('" + i + "') || '</p>', " + kilobytes[i] * 1000 / 39 + "))");
        }

        List<String> v1Pages = new ArrayList<>();
        List<Integer> perResponse = new ArrayList<>();
        String next = "/v1/jobs/" + id + "/result";
        while (next != null) {
            var page = given().when().get(next).then().statusCode(200).extract().jsonPath();
            assertThat(page.getLong("total")).isEqualTo(5);
            List<String> urls = page.getList("pages.url");
            perResponse.add(urls.size());
            v1Pages.addAll(urls);
            next = page.getString("next");
        }
        assertThat(perResponse).containsExactly(2, 1, 1, 1);
        assertThat(v1Pages).containsExactly("http://a/0", "http://a/1", "http://a/2", "http://a/3", "http://a/4");

        var legacy = given().when()
                .get("/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(legacy.getList("pages.url")).containsExactly("http://a/0", "http://a/1");
        assertThat(legacy.getString("next")).isEqualTo("/jobs/" + id + "/result?offset=2");
        var rest = given().when()
                .get("/jobs/" + id + "/result?offset=4")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(rest.getList("pages.url")).containsExactly("http://a/4");
        assertThat(rest.getString("next")).isNull();
    }

    @Test
    void manyStatusReadsArrivingTogetherEachGetTheirOwnJob() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(insertJob(
                    i % 2 == 0 ? "cancelled" : "succeeded",
                    i,
                    "2026-11-23 13:50:53+00",
                    null,
                    null,
                    null,
                    i,
                    "{\"url\":\"http://a/\"}"));
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        List<UUID> asked = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < ids.size(); i++) {
                UUID id = i % 10 == 9 ? JobIds.next() : ids.get(i); // every tenth read names no job
                asked.add(id);
                answers.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "v1/jobs/" + id))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            HttpResponse<String> answer = answers.get(i).join();
            UUID id = asked.get(i);
            int n = ids.indexOf(id);
            if (n < 0) {
                assertThat(answer.statusCode()).isEqualTo(404);
                assertThat(answer.body()).contains("problems/job-not-found", id.toString());
            } else {
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body())
                        .startsWith("{\"id\":\"" + id + "\",\"status\":\"" + (n % 2 == 0 ? "cancelled" : "succeeded")
                                + "\",\"priority\":\"high\",\"attempt\":" + n + ",")
                        .contains("\"pages\":" + n + ",");
            }
        }
    }
}
