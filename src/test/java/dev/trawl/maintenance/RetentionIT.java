package dev.trawl.maintenance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.job.JobIds;
import dev.trawl.redis.RedisKeys;
import dev.trawl.support.Database;
import dev.trawl.support.Jobs;
import dev.trawl.support.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention: an ended job past {@code trawl.retention.results} (7 days) goes with everything that
 * hangs off it, a crawl's checkpoint goes an hour after its job ended, live and recent jobs stay,
 * the dead-letter stream keeps its newest 10,000 entries younger than the results, and the
 * metrics count exactly what went.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class RetentionIT {

    private static final Database DB = Database.shared(TestServices.DATABASE);
    private static final List<String> KINDS =
            List.of("jobs", "pages", "ledger-entries", "job-keys", "checkpoints", "idempotency-keys", "dead-letters");
    private final List<UUID> made = new ArrayList<>();

    @Inject
    RetentionSweeper sweeper;

    @Inject
    MeterRegistry registry;

    @Inject
    Redis redis;

    @Inject
    RedisKeys keys;

    @AfterEach
    void removeTheRows() {
        DB.execute("DELETE FROM jobs WHERE id IN ('"
                + String.join("','", made.stream().map(UUID::toString).toList()) + "')");
    }

    /** A job of the test's own caller, ended (or last changed) {@code ago}. */
    private UUID job(String state, Duration ago) {
        UUID id = JobIds.next();
        made.add(id);
        String at = "now() - interval '" + ago.toSeconds() + " seconds'";
        boolean ended = !state.equals("running");
        DB.execute("INSERT INTO jobs (id, state, priority, request, job_key, owner, attempt, created_at, started_at, "
                + "finished_at, updated_at) VALUES ('" + id + "', '" + state
                + "', 'normal', '{\"url\":\"http://a/\"}', 'k-"
                + id + "', '" + Jobs.LOCAL_CALLER + "', 1, " + at + ", " + at + ", " + (ended ? at : "NULL") + ", " + at
                + ")");
        return id;
    }

    private static void pages(UUID job, int count) {
        DB.execute("INSERT INTO pages (job_id, url, status_code, html) SELECT '" + job + "', 'http://a/' || n, 200, "
                + "'<p>page</p>' FROM generate_series(1, " + count + ") AS n");
    }

    private static void checkpoint(UUID job) {
        DB.execute("INSERT INTO crawl_checkpoints (job_id, attempt, sequence, format, payload, checksum, pages_done) "
                + "VALUES ('" + job + "', 1, 3, 1, '{}', 'x', 3)");
    }

    private static long count(String table, UUID job) {
        return DB.number("SELECT count(*) FROM " + table + " WHERE " + (table.equals("jobs") ? "id" : "job_id") + " = '"
                + job + "'");
    }

    private Map<String, Double> removedSoFar() {
        Map<String, Double> counts = new TreeMap<>();
        for (String kind : KINDS) {
            counts.put(
                    kind,
                    registry.counter("trawl.retention.removed", "kind", kind).count());
        }
        return counts;
    }

    @Test
    void whatEndedJobsLeaveBehindGoesAfterItsRetentionAndNothingLiveOrRecentDoes() {
        UUID old = job("succeeded", Duration.ofDays(8));
        // a crawl's worth: more pages than one statement deletes (500)
        pages(old, 1203);
        checkpoint(old);
        DB.execute("INSERT INTO op_ledger (op_key, job_id, kind, context) VALUES ('op-1-" + old + "', '" + old
                + "', 'page', 'http://a/0'), ('op-2-" + old + "', '" + old + "', 'webhook', NULL)");
        DB.execute("INSERT INTO job_keys (job_key, job_id) VALUES ('key-" + old + "', '" + old + "')");
        DB.execute(
                "INSERT INTO idempotency_keys (client_hash, key, request_hash, job_id, status, response, expires_at) "
                        + "VALUES ('c', 'idem-" + old + "', 'r', '" + old + "', 202, '{}', now() + interval '1 day')");
        UUID oldFailure = job("failed", Duration.ofDays(8));
        UUID endedTwoHoursAgo = job("aborted", Duration.ofHours(2));
        pages(endedTwoHoursAgo, 2);
        checkpoint(endedTwoHoursAgo);
        UUID endedJustNow = job("succeeded", Duration.ofMinutes(5));
        checkpoint(endedJustNow);
        UUID stillRunning = job("running", Duration.ofDays(30));
        pages(stillRunning, 1);
        checkpoint(stillRunning);

        // three dead letters as old as the purged jobs, then 10,002 recent ones: 3 too old, 2 over the cap
        String deadLetters = keys.deadLetters();
        redis.send(Request.cmd(Command.DEL).arg(deadLetters)).await().atMost(Duration.ofSeconds(10));
        long eightDaysAgo = Instant.now().minus(Duration.ofDays(8)).toEpochMilli();
        List<Request> adds = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            adds.add(Request.cmd(Command.XADD)
                    .arg(deadLetters)
                    .arg(eightDaysAgo + "-" + i)
                    .arg("job")
                    .arg(old.toString()));
        }
        for (int i = 0; i < 10_002; i++) {
            adds.add(Request.cmd(Command.XADD)
                    .arg(deadLetters)
                    .arg("*")
                    .arg("job")
                    .arg(UUID.randomUUID().toString()));
        }
        for (int from = 0; from < adds.size(); from += 500) {
            redis.batch(adds.subList(from, Math.min(adds.size(), from + 500)))
                    .await()
                    .atMost(Duration.ofSeconds(30));
        }
        Map<String, Double> before = removedSoFar();

        RetentionSweeper.Swept swept = sweeper.sweep().await().atMost(Duration.ofSeconds(30));

        assertThat(swept).isEqualTo(new RetentionSweeper.Swept(2, 1203, 2, 1, 2, 1, 5));
        for (String table :
                List.of("jobs", "pages", "op_ledger", "job_keys", "crawl_checkpoints", "idempotency_keys")) {
            assertThat(count(table, old)).as(table).isZero();
        }
        assertThat(count("jobs", oldFailure)).isZero();
        given().when().get("/v1/jobs/" + old).then().statusCode(404);

        assertThat(count("jobs", endedTwoHoursAgo)).isEqualTo(1);
        assertThat(count("pages", endedTwoHoursAgo)).isEqualTo(2);
        assertThat(count("crawl_checkpoints", endedTwoHoursAgo)).isZero();
        assertThat(count("crawl_checkpoints", endedJustNow)).isEqualTo(1);
        assertThat(count("jobs", stillRunning)).isEqualTo(1);
        assertThat(count("pages", stillRunning)).isEqualTo(1);
        assertThat(count("crawl_checkpoints", stillRunning)).isEqualTo(1);

        assertThat(redis.send(Request.cmd(Command.XLEN).arg(deadLetters))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .toLong())
                .isEqualTo(10_000);

        Map<String, Double> after = removedSoFar();
        Map<String, Double> counted = new TreeMap<>();
        KINDS.forEach(kind -> counted.put(kind, after.get(kind) - before.get(kind)));
        assertThat(counted)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "jobs",
                        2.0,
                        "pages",
                        1203.0,
                        "ledger-entries",
                        2.0,
                        "job-keys",
                        1.0,
                        "checkpoints",
                        2.0,
                        "idempotency-keys",
                        1.0,
                        "dead-letters",
                        5.0));

        // a second pass (or another pod's at the same time) finds nothing left to do
        assertThat(sweeper.sweep().await().atMost(Duration.ofSeconds(30)))
                .isEqualTo(new RetentionSweeper.Swept(0, 0, 0, 0, 0, 0, 0));
        redis.send(Request.cmd(Command.DEL).arg(deadLetters)).await().atMost(Duration.ofSeconds(10));
    }
}
