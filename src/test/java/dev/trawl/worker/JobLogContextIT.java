package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
 * see each other's id.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class JobLogContextIT {

    /** The records logged under dev.trawl while a test runs, with the job id of their log context. */
    private record Captured(String logger, String message, String jobId) {}

    private final List<Captured> captured = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String jobId = record instanceof ExtLogRecord ext ? ext.getMdc(JobLogContext.JOB_ID) : null;
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            captured.add(new Captured(record.getLoggerName(), message, jobId));
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
}
