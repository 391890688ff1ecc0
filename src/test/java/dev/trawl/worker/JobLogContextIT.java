package dev.trawl.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every line logged for a job on the worker carries its id in the log context, including lines
 * logged after the fetch, PostgreSQL and Redis round trips, and two jobs running at once never
 * see each other's id. A job submitted with a valid W3C {@code traceparent} carries its trace id
 * in those lines too, on every attempt; an invalid header is ignored.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class JobLogContextIT {

    /** The records logged under dev.trawl while a test runs, with the job id of their log context. */
    private record Captured(String logger, String message, String jobId, String traceId) {}

    private final List<Captured> captured = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String jobId = record instanceof ExtLogRecord ext ? ext.getMdc(JobLogContext.JOB_ID) : null;
            String traceId = record instanceof ExtLogRecord ext ? ext.getMdc(JobLogContext.TRACE_ID) : null;
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            captured.add(new Captured(record.getLoggerName(), message, jobId, traceId));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger runnerLog = Logger.getLogger(JobRunner.class.getName());
    private Level runnerLevel;

    @BeforeEach
    void capture() {
        runnerLevel = runnerLog.getLevel();
        runnerLog.setLevel(org.jboss.logmanager.Level.DEBUG);
        handler.setLevel(Level.ALL);
        runnerLog.addHandler(handler);
    }

    @AfterEach
    void stopCapturing() {
        runnerLog.removeHandler(handler);
        runnerLog.setLevel(runnerLevel);
    }

    @Test
    void eachJobsLinesCarryItsOwnIdWhileTwoRunAtOnce() {
        try (StubSite first = new StubSite();
                StubSite second = new StubSite()) {
            CountDownLatch firstGate = first.gatedHtml("/a", "<title>a</title>");
            CountDownLatch secondGate = second.gatedHtml("/b", "<title>b</title>");
            String firstId = Jobs.submit(first.url("/a"));
            String secondId = Jobs.submit(second.url("/b"));
            // both jobs are in hand on the worker at once before either may finish
            await().atMost(Duration.ofSeconds(20)).until(() -> first.hits("/a") == 1 && second.hits("/b") == 1);
            firstGate.countDown();
            secondGate.countDown();
            Jobs.awaitStatus(firstId, "succeeded");
            Jobs.awaitStatus(secondId, "succeeded");

            Map<String, String> endedLines = Map.of(
                    firstId, "Job " + firstId + " ended: succeeded", secondId, "Job " + secondId + " ended: succeeded");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> endedLines.values().stream()
                            .allMatch(line -> captured.stream().anyMatch(c -> line.equals(c.message()))));
            endedLines.forEach((id, line) -> assertThat(captured)
                    .filteredOn(c -> line.equals(c.message()))
                    .extracting(Captured::jobId)
                    .containsOnly(id));
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void aJobSubmittedWithATraceparentCarriesItsTraceIdInTheWorkersLinesOnEveryAttempt() {
        try (StubSite site = new StubSite()) {
            site.sequence("/flaky", StubSite.status(503), StubSite.page("<title>back</title>"));
            String id = given().contentType(ContentType.JSON)
                    .header("traceparent", TRACEPARENT)
                    .body(Map.of("url", site.url("/flaky"), "dedupe", false))
                    .when()
                    .post("/v1/jobs")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            Jobs.awaitStatus(id, "succeeded");

            List<String> ended = List.of("Job " + id + " ended: retrying", "Job " + id + " ended: succeeded");
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            ended.stream().allMatch(line -> captured.stream().anyMatch(c -> line.equals(c.message()))));
            assertThat(captured)
                    .filteredOn(c -> id.equals(c.jobId()))
                    .isNotEmpty()
                    .extracting(Captured::traceId)
                    .containsOnly(TRACE_ID);
            given().when().get("/v1/jobs/" + id).then().statusCode(200).body("traceId", equalTo(TRACE_ID));
        }
    }

    @Test
    void everyJobOfABatchKeepsTheTraceIdOfItsRequest() {
        try (StubSite site = new StubSite()) {
            site.html("/one", "<title>one</title>");
            site.html("/two", "<title>two</title>");
            List<String> ids = given().contentType(ContentType.JSON)
                    .header("traceparent", TRACEPARENT)
                    .body(Map.of("jobs", List.of(Map.of("url", site.url("/one")), Map.of("url", site.url("/two")))))
                    .when()
                    .post("/v1/jobs/batch")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("jobs.id");
            assertThat(ids).hasSize(2);
            for (String id : ids) {
                Jobs.awaitStatus(id, "succeeded");
                given().when().get("/v1/jobs/" + id).then().body("traceId", equalTo(TRACE_ID));
            }
        }
    }

    @Test
    void anInvalidTraceparentIsIgnoredAndTheJobRunsWithoutATraceId() {
        try (StubSite site = new StubSite()) {
            site.html("/untraced", "<title>untraced</title>");
            // upper-case hex is not a valid trace id
            String id = given().contentType(ContentType.JSON)
                    .header("traceparent", "00-" + TRACE_ID.toUpperCase() + "-00f067aa0ba902b7-01")
                    .body(Map.of("url", site.url("/untraced"), "dedupe", false))
                    .when()
                    .post("/v1/jobs")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            Jobs.awaitStatus(id, "succeeded");
            String line = "Job " + id + " ended: succeeded";
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> captured.stream().anyMatch(c -> line.equals(c.message())));
            assertThat(captured)
                    .filteredOn(c -> id.equals(c.jobId()))
                    .isNotEmpty()
                    .extracting(Captured::traceId)
                    .containsOnlyNulls();
            given().when().get("/v1/jobs/" + id).then().statusCode(200).body("$", not(hasKey("traceId")));
        }
    }
}
