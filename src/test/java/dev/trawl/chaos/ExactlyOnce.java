package dev.trawl.chaos;

import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.RedisCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What a chaos run left behind, read straight from PostgreSQL and Redis: the jobs by state,
 * the jobs that do not have exactly one stored page and one {@code page-stored} ledger entry,
 * and how many {@code succeeded} events each job's event stream holds.
 */
final class ExactlyOnce {

    private ExactlyOnce() {}

    /** Jobs that have ended, in any state. */
    static long endedJobs(Database db) {
        return db.number("SELECT count(*) FROM jobs WHERE state NOT IN ('queued', 'running', 'retrying')");
    }

    /** Jobs not yet ended. */
    static long liveJobs(Database db) {
        return db.number("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running', 'retrying')");
    }

    /**
     * Waits (within the bound) until no job is queued, running or retrying; false if some still
     * are, so the test can print what it found before it fails.
     */
    static boolean awaitNoLiveJobs(Database db, Duration bound) {
        try {
            await("every job ended")
                    .atMost(bound)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> liveJobs(db) == 0);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** How many of these jobs are in the state. */
    static long inState(Database db, List<String> jobIds, String state) {
        if (jobIds.isEmpty()) {
            return 0;
        }
        return db.number("SELECT count(*) FROM jobs WHERE id::text = ANY('{" + String.join(",", jobIds)
                + "}') AND state = '" + state + "'");
    }

    static Map<String, Long> jobsByState(Database db) {
        return db.counts("SELECT state, count(*) FROM jobs GROUP BY state");
    }

    /** Succeeded jobs whose count of page rows is not exactly one. */
    static long succeededWithoutExactlyOnePage(Database db) {
        return db.number("SELECT count(*) FROM jobs j WHERE state = 'succeeded'"
                + " AND (SELECT count(*) FROM pages p WHERE p.job_id = j.id) <> 1");
    }

    /** Succeeded jobs whose count of {@code page-stored} ledger entries is not exactly one. */
    static long succeededWithoutExactlyOneStoredPageOp(Database db) {
        return db.number("SELECT count(*) FROM jobs j WHERE state = 'succeeded' AND (SELECT count(*) FROM op_ledger o"
                + " WHERE o.job_id = j.id AND o.kind = 'page-stored') <> 1");
    }

    /** Page rows of jobs that did not succeed (single-page jobs store their page only as they succeed). */
    static long pagesOfJobsNotSucceeded(Database db) {
        return db.number("SELECT count(*) FROM pages p JOIN jobs j ON j.id = p.job_id WHERE j.state <> 'succeeded'");
    }

    /** Jobs by the attempt that ended them. */
    static Map<String, Long> jobsByAttempt(Database db) {
        return db.counts("SELECT attempt::text, count(*) FROM jobs GROUP BY attempt");
    }

    /** From first accepted to last finished, as PostgreSQL recorded it. */
    static double drainSeconds(Database db) {
        return db.number("SELECT (extract(epoch FROM max(finished_at) - min(created_at)) * 1000)::bigint FROM jobs")
                / 1000.0;
    }

    /** The event types in {@code <prefix>job:<id>:events}, oldest first. */
    static List<String> eventTypes(RedisCli redis, String keyPrefix, String jobId) {
        return events(redis, keyPrefix, jobId).stream().map(Map.Entry::getKey).toList();
    }

    /** The events in {@code <prefix>job:<id>:events}, oldest first: each type with its JSON body. */
    static List<Map.Entry<String, String>> events(RedisCli redis, String keyPrefix, String jobId) {
        List<Map.Entry<String, String>> events = new ArrayList<>();
        for (Object entry : (List<?>) redis.call("XRANGE", keyPrefix + "job:" + jobId + ":events", "-", "+")) {
            List<?> fields = (List<?>) ((List<?>) entry).get(1);
            String type = null;
            String body = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("t".equals(fields.get(i))) {
                    type = (String) fields.get(i + 1);
                } else if ("d".equals(fields.get(i))) {
                    body = (String) fields.get(i + 1);
                }
            }
            events.add(Map.entry(String.valueOf(type), String.valueOf(body)));
        }
        return events;
    }

    /** For each job, how many {@code succeeded} events its event stream holds. */
    static Map<String, Integer> succeededEvents(RedisCli redis, String keyPrefix, List<String> jobIds) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String id : jobIds) {
            counts.put(id, (int) eventTypes(redis, keyPrefix, id).stream()
                    .filter("succeeded"::equals)
                    .count());
        }
        return counts;
    }

    /** Jobs the reconciler's sweep found stranded and enqueued again, summed over the processes' logs. */
    static long strandedReenqueued(List<Path> logs) {
        return sumOverLogs(logs, Pattern.compile("Re-enqueued (\\d+) jobs the queue had lost"));
    }

    /** Terminal events a worker wrote for a job whose worker died after its final commit. */
    static long recoveredTerminalEvents(List<Path> logs) {
        return sumOverLogs(logs, Pattern.compile("ended \\w+ \\d+ ms ago without its terminal event()"));
    }

    /** Sums group 1 of every match (a count, or 1 per line when the group is empty). */
    private static long sumOverLogs(List<Path> logs, Pattern pattern) {
        long total = 0;
        for (Path log : logs) {
            try (Stream<String> lines = Files.lines(log)) {
                total += lines.map(pattern::matcher)
                        .filter(Matcher::find)
                        .mapToLong(m -> m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1)))
                        .sum();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    /** Waits, bounded, until every job's event stream holds a {@code succeeded} event. */
    static void awaitSucceededEvents(RedisCli redis, String keyPrefix, List<String> jobIds, Duration atMost) {
        try {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> succeededEvents(redis, keyPrefix, jobIds).values().stream()
                            .allMatch(n -> n > 0));
        } catch (ConditionTimeoutException e) {
            // the assertions that follow name the jobs still without one
        }
    }

    /** How many jobs have 0, 1, 2… of something per job. */
    static Map<Integer, Integer> histogram(Map<String, Integer> perJob) {
        Map<Integer, Integer> histogram = new TreeMap<>();
        perJob.values().forEach(n -> histogram.merge(n, 1, Integer::sum));
        return histogram;
    }
}
