package dev.trawl.job;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Deletes what ended jobs leave behind once it is past its retention, a bounded batch per
 * statement. Only jobs in an ended state are touched, and every statement locks the rows it
 * deletes with {@code SKIP LOCKED}, so sweepers on several pods share the work instead of
 * waiting on (or double-counting) each other, and a job re-driven at the same moment is either
 * re-driven first (and no longer ended, so skipped) or deleted first (and the re-drive finds
 * nothing).
 */
@ApplicationScoped
public class ExpiredJobs {

    private static final String ENDED = "('succeeded', 'failed', 'cancelled', 'aborted', 'duplicate')";

    /**
     * Pages first, in batches, so that deleting a job never cascades to a crawl's thousands of
     * rows in one statement. {@code FOR UPDATE OF p SKIP LOCKED}: two sweepers take different pages.
     */
    private static final String DELETE_PAGES = """
            DELETE FROM pages WHERE id IN (
                SELECT p.id FROM jobs j JOIN pages p ON p.job_id = j.id
                 WHERE j.state IN %s AND coalesce(j.finished_at, j.updated_at) < now() - make_interval(secs => $1)
                 LIMIT $2 FOR UPDATE OF p SKIP LOCKED)""".formatted(ENDED);

    /**
     * The jobs themselves, oldest end first; the delete cascades to their op-ledger entries, job
     * keys, checkpoints, Idempotency-Keys and any page the page pass has not reached. The counts
     * are read in the same statement from its snapshot (taken before the delete), so they are
     * exactly what the cascade removed. {@code FOR UPDATE SKIP LOCKED} re-checks the state on the
     * row's latest version: a job re-driven since the scan is no longer ended and stays.
     */
    private static final String DELETE_JOBS = """
            WITH doomed AS (
                DELETE FROM jobs WHERE id IN (
                    SELECT id FROM jobs
                     WHERE state IN %1$s AND coalesce(finished_at, updated_at) < now() - make_interval(secs => $1)
                     ORDER BY coalesce(finished_at, updated_at) LIMIT $2 FOR UPDATE SKIP LOCKED)
                RETURNING id)
            SELECT (SELECT count(*) FROM doomed),
                   (SELECT count(*) FROM pages WHERE job_id IN (SELECT id FROM doomed)),
                   (SELECT count(*) FROM op_ledger WHERE job_id IN (SELECT id FROM doomed)),
                   (SELECT count(*) FROM job_keys WHERE job_id IN (SELECT id FROM doomed)),
                   (SELECT count(*) FROM crawl_checkpoints WHERE job_id IN (SELECT id FROM doomed)),
                   (SELECT count(*) FROM idempotency_keys WHERE job_id IN (SELECT id FROM doomed))""".formatted(ENDED);

    /**
     * The checkpoints of crawls that ended: a later attempt (a re-drive) resumes from its stored
     * pages without one, so a checkpoint is worth keeping only briefly after its job ended.
     */
    private static final String DELETE_CHECKPOINTS = """
            DELETE FROM crawl_checkpoints WHERE job_id IN (
                SELECT c.job_id FROM crawl_checkpoints c JOIN jobs j ON j.id = c.job_id
                 WHERE j.state IN %s AND coalesce(j.finished_at, j.updated_at) < now() - make_interval(secs => $1)
                 LIMIT $2 FOR UPDATE OF c SKIP LOCKED)""".formatted(ENDED);

    /** What one statement deleting jobs removed with them. */
    public record RemovedJobs(
            long jobs, long pages, long ledgerEntries, long jobKeys, long checkpoints, long idempotencyKeys) {}

    private final Pool pool;

    public ExpiredJobs(Pool pool) {
        this.pool = pool;
    }

    /** Deletes up to {@code limit} pages of jobs that ended more than {@code age} ago; the item is how many. */
    public Uni<Integer> deletePages(Duration age, int limit) {
        return pool.preparedQuery(DELETE_PAGES)
                .execute(Tuple.of(seconds(age), limit))
                .map(rows -> rows.rowCount());
    }

    /** Deletes up to {@code limit} jobs that ended more than {@code age} ago, with what hangs off them. */
    public Uni<RemovedJobs> deleteJobs(Duration age, int limit) {
        return pool.preparedQuery(DELETE_JOBS)
                .execute(Tuple.of(seconds(age), limit))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new RemovedJobs(
                            row.getLong(0),
                            row.getLong(1),
                            row.getLong(2),
                            row.getLong(3),
                            row.getLong(4),
                            row.getLong(5));
                });
    }

    /** Deletes up to {@code limit} checkpoints of crawls that ended more than {@code age} ago; the item is how many. */
    public Uni<Integer> deleteCheckpoints(Duration age, int limit) {
        return pool.preparedQuery(DELETE_CHECKPOINTS)
                .execute(Tuple.of(seconds(age), limit))
                .map(rows -> rows.rowCount());
    }

    private static double seconds(Duration age) {
        return age.toMillis() / 1000.0;
    }
}
