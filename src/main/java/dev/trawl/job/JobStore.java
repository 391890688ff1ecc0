package dev.trawl.job;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trawl.batch.Batcher;
import dev.trawl.scrape.MainContent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Every write to a job, each one conditional UPDATE (or INSERT) on the reactive PostgreSQL
 * client: the {@code WHERE} names the states a transition may start from and the lease owner, so
 * a racing or stale writer changes nothing and is told so by an empty result.
 */
@ApplicationScoped
public class JobStore {

    private static final ObjectReader SPEC_READER = DatabindCodec.mapper().readerFor(JobSpec.class);
    private static final ObjectWriter SPEC_WRITER = DatabindCodec.mapper().writerFor(JobSpec.class);

    /**
     * Inserts jobs, one row per element of the arrays. Those with {@code dedupe} first claim their
     * job key, or get back the job that holds it: the key's row serializes concurrent identical
     * submits; its holder is replaced only if it failed, was cancelled, aborted or marked
     * duplicate, or succeeded longer than the window ({@code $6}) ago. A holder this statement's
     * snapshot cannot see yet was committed just now, so it counts as live. Keys are claimed in
     * key order, so two batches never wait on each other's keys in opposite orders. A job key
     * appears at most once among the deduplicating rows (the caller sees to it: ON CONFLICT may
     * touch a row only once per statement). Without dedupe a job never holds its key. A job whose
     * {@code run_at} ({@code $8}) is still ahead is {@code scheduled} until then, due at {@code next_attempt_at}. Per input
     * row, in order: {@code inserted} is its creation time, or null when the key was held by
     * {@code holder}.
     */
    private static final String INSERT = PerCallPlans.MARK + """
            WITH input AS (
                SELECT id, priority, request::jsonb AS request, job_key, dedupe, owner, trace_id, run_at, ord
                  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $7::text[], $8::text[],
                              $9::timestamptz[])
                    WITH ORDINALITY AS i(id, priority, request, job_key, dedupe, owner, trace_id, run_at, ord)
            ), claim AS (
                INSERT INTO job_keys AS k (job_key, job_id)
                SELECT job_key, id FROM input WHERE dedupe ORDER BY job_key
                ON CONFLICT (job_key) DO UPDATE
                   SET job_id = CASE WHEN EXISTS (
                           SELECT 1 FROM jobs o
                            WHERE o.id = k.job_id
                              AND (o.state IN ('failed', 'cancelled', 'aborted', 'duplicate')
                                   OR o.state = 'succeeded'
                                      AND o.finished_at <= now() - make_interval(secs => $6)))
                       THEN EXCLUDED.job_id ELSE k.job_id END
                RETURNING job_key, job_id
            ), job AS (
                INSERT INTO jobs (id, state, priority, request, job_key, owner, trace_id, max_attempts, next_attempt_at)
                SELECT i.id, CASE WHEN i.run_at > now() THEN 'scheduled' ELSE 'queued' END, i.priority, i.request,
                       i.job_key, i.owner, i.trace_id, coalesce((i.request ->> 'maxAttempts')::int, 3),
                       CASE WHEN i.run_at > now() THEN i.run_at END
                  FROM input i LEFT JOIN claim c ON i.dedupe AND c.job_key = i.job_key
                 WHERE NOT i.dedupe OR c.job_id = i.id
                RETURNING id, created_at, state
            )
            SELECT c.job_id AS holder, job.created_at AS inserted, job.state AS inserted_state
              FROM input i
              LEFT JOIN claim c ON i.dedupe AND c.job_key = i.job_key
              LEFT JOIN job ON job.id = i.id
             ORDER BY i.ord""";

    /** Read in a statement of its own: a holder may have committed after the claim's snapshot. */
    private static final String HOLDERS =
            PerCallPlans.MARK + "SELECT id, state, created_at FROM jobs WHERE id = ANY($1)";

    /**
     * Takes queued jobs, or takes over running ones whose worker was lost (their lease ran out).
     * A take-over starts a new attempt (the fencing token) without spending one: the attempt limit
     * grows with it. Only {@code $4} take-overs are allowed; then the reaper fails the job. Two
     * workers claiming one job serialize on its row, and the second finds it running under a live
     * lease and takes nothing.
     */
    private static final String CLAIM = PerCallPlans.MARK + """
            UPDATE jobs j SET state = 'running', attempt = j.attempt + 1, lease_owner = $2,
                   max_attempts = j.max_attempts + CASE WHEN j.state = 'running' THEN 1 ELSE 0 END,
                   takeovers = j.takeovers + CASE WHEN j.state = 'running' THEN 1 ELSE 0 END,
                   lease_expires_at = now() + make_interval(secs => $3),
                   started_at = coalesce(j.started_at, now()), updated_at = now()
              FROM unnest($1::uuid[]) AS wanted(id)
             WHERE j.id = wanted.id AND NOT j.cancel_requested
               AND (j.state = 'queued' OR (j.state = 'running' AND j.lease_expires_at < now() AND j.takeovers < $4))
            RETURNING j.id, j.request::text AS request, j.attempt, j.trace_id""";

    private static final String PAGE_COLUMNS =
            "job_id, url, final_url, status_code, content_type, depth, metadata, title, description, text, markdown, "
                    + "html, links, fields, error, skip_reason, main";
    private static final String PAGE_VALUES = "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $20";

    /**
     * The CTEs that store a page through the operation ledger: the page row is written only if its
     * {@code page-stored} op key was new, so a page is stored (and recorded) once whatever retries.
     * {@code source} yields the job's {@code id} when the page may be stored.
     */
    private static String ledgeredPageFrom(String source) {
        return """
                ledger AS (
                    INSERT INTO op_ledger (op_key, job_id, kind, context, outcome)
                    SELECT $19, id, 'page-stored', $3, jsonb_build_object('attempt', $18::int) FROM %s
                    ON CONFLICT (op_key) DO NOTHING
                    RETURNING job_id
                ), page AS (
                    INSERT INTO pages (%s)
                    SELECT job_id, %s FROM ledger
                    ON CONFLICT (job_id, url) DO NOTHING
                )""".formatted(source, PAGE_COLUMNS, PAGE_VALUES);
    }

    /**
     * The single-page path: for each job of the batch, store its page (through the ledger) and end
     * the job, in one statement. Each row is fenced like any write of a worker (state, owner and
     * attempt); a job the worker no longer holds is left out of the result. A row marked
     * {@code unclaimed} is a job run before its claim: it is claimed for its first attempt in the
     * same update, only if it is still queued, never claimed and not asked to cancel. A page is a
     * JSON object ({@link #pageJson}); absent members are SQL nulls.
     */
    private static final String SUCCEED = PerCallPlans.MARK + """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::jsonb[], $6::bool[])
                    AS i(id, owner, attempt, op_key, page, unclaimed)
            ), done AS (
                UPDATE jobs j SET state = CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'succeeded' END,
                       page_count = j.page_count + CASE WHEN j.cancel_requested THEN 0 ELSE 1 END,
                       attempt = i.attempt, started_at = coalesce(j.started_at, now()),
                       error = NULL, next_attempt_at = NULL,
                       finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                  FROM input i
                 WHERE j.id = i.id
                   AND CASE WHEN i.unclaimed
                            THEN j.state = 'queued' AND j.attempt = 0 AND i.attempt = 1 AND NOT j.cancel_requested
                            ELSE j.state = 'running' AND j.lease_owner = i.owner AND j.attempt = i.attempt END
                RETURNING j.id, j.state
            ), ledger AS (
                INSERT INTO op_ledger (op_key, job_id, kind, context, outcome)
                SELECT i.op_key, i.id, 'page-stored', i.page ->> 'url', jsonb_build_object('attempt', i.attempt)
                  FROM done JOIN input i ON i.id = done.id
                 WHERE done.state = 'succeeded'
                ON CONFLICT (op_key) DO NOTHING
                RETURNING job_id
            ), page AS (
                INSERT INTO pages (job_id, url, final_url, status_code, content_type, depth, metadata, title,
                                   description, text, markdown, html, links, fields, error, skip_reason, main)
                SELECT i.id, p ->> 'url', p ->> 'finalUrl', (p ->> 'statusCode')::int, p ->> 'contentType',
                       (p ->> 'depth')::int, p -> 'metadata', p ->> 'title', p ->> 'description', p ->> 'text',
                       p ->> 'markdown', p ->> 'html', ARRAY(SELECT jsonb_array_elements_text(p -> 'links')),
                       p -> 'fields', p -> 'error', p ->> 'skipReason', p -> 'main'
                  FROM ledger JOIN input i ON i.id = ledger.job_id, LATERAL (SELECT i.page AS p) page
                ON CONFLICT (job_id, url) DO NOTHING
            )
            SELECT id, state FROM done""";

    /**
     * One page of a crawl, stored only while this worker holds the lease and no cancel is asked;
     * the row says whether a cancel is pending (the crawl then stops), no row that the lease is lost.
     */
    private static final String STORE_PAGE = """
            WITH j AS (
                SELECT id, cancel_requested FROM jobs
                 WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND attempt = $18
            ), %s
            SELECT cancel_requested FROM j""".formatted(ledgeredPageFrom("j WHERE NOT cancel_requested"));

    /**
     * Ends a crawl, fenced by lease and attempt, counting its stored pages; {@code state} and
     * {@code error} are the SQL the job's new state and error are set to. A crawl that ended needs
     * no checkpoint: it is deleted in the same statement.
     */
    private static String endCrawl(String state, String error) {
        return """
                WITH done AS (
                    UPDATE jobs SET state = %s, error = %s, next_attempt_at = NULL,
                           page_count = (SELECT count(*) FROM pages
                                          WHERE job_id = $1 AND error IS NULL AND skip_reason IS NULL),
                           finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                     WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND attempt = $3
                    RETURNING id, state
                ), checkpoint AS (
                    DELETE FROM crawl_checkpoints WHERE job_id IN (SELECT id FROM done)
                )
                SELECT state FROM done""".formatted(state, error);
    }

    private static final String FINISH_CRAWL =
            endCrawl("CASE WHEN cancel_requested THEN 'cancelled' ELSE 'succeeded' END", "NULL");

    /** A crawl whose pages fail too often ends {@code aborted}. */
    private static final String ABORT = endCrawl(
            "CASE WHEN cancel_requested THEN 'cancelled' ELSE 'aborted' END",
            "CASE WHEN cancel_requested THEN NULL ELSE $4::jsonb END");

    /**
     * A failed attempt: {@code retrying} when a retry time is given and attempts are left, else
     * {@code failed} ({@code cancelled} if a cancel arrived meanwhile). The error of every attempt
     * is kept in {@code error.attempts}.
     */
    private static final String FAIL = """
            UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled'
                                         WHEN $5::timestamptz IS NOT NULL AND attempt < max_attempts THEN 'retrying'
                                         ELSE 'failed' END,
                   error = $3::jsonb || jsonb_build_object('attempts', coalesce(error -> 'attempts', '[]'::jsonb)
                           || jsonb_build_array($3::jsonb || jsonb_build_object('attempt', attempt))),
                   next_attempt_at = CASE WHEN NOT cancel_requested AND attempt < max_attempts THEN $5::timestamptz END,
                   finished_at = CASE WHEN NOT cancel_requested AND $5::timestamptz IS NOT NULL
                                       AND attempt < max_attempts THEN NULL ELSE now() END,
                   updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND attempt = $4
            RETURNING state, next_attempt_at""";

    /**
     * Keeps the leases of running jobs, each for the attempt given; refused for a job once another
     * worker or a later attempt holds it. The row says which were kept.
     */
    private static final String RENEW = PerCallPlans.MARK + """
            UPDATE jobs j SET lease_expires_at = now() + make_interval(secs => $4)
              FROM unnest($1::uuid[], $2::int[]) AS held(id, attempt)
             WHERE j.id = held.id AND j.state = 'running' AND j.lease_owner = $3 AND j.attempt = held.attempt
            RETURNING j.id, j.attempt""";

    /**
     * A draining worker hands back the jobs it still runs. The owner is unique to one process
     * start and the worker claims nothing while it drains, so every running row it owns is a
     * lease it holds. The attempt is kept, so a later claim gets a higher one and the draining
     * run's late writes stay fenced off; {@code max_attempts} grows by one instead, so a shutdown
     * does not spend the job's retries.
     */
    private static final String RELEASE_LEASES = """
            UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                   max_attempts = max_attempts + CASE WHEN cancel_requested THEN 0 ELSE 1 END,
                   finished_at = CASE WHEN cancel_requested THEN now() END,
                   lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
             WHERE state = 'running' AND lease_owner = $1
            RETURNING id, state, priority, attempt, request ->> 'url' AS url""";

    /**
     * A due retry, or a scheduled job whose time came, goes to the queue; the item is its priority,
     * empty if it is no longer waiting (cancelled, or already moved by another mover).
     */
    private static final String REQUEUE_RETRY = """
            UPDATE jobs SET state = 'queued', next_attempt_at = NULL, updated_at = now()
             WHERE id = $1 AND state IN ('retrying', 'scheduled')
            RETURNING priority""";

    /**
     * Running jobs whose worker stopped renewing: back to {@code queued} without spending an
     * attempt (like a take-over), or {@code failed} once their workers were lost {@code $4} times
     * (a job that kills its worker every time must end), or {@code cancelled} if a cancel was
     * asked. SKIP LOCKED lets several reapers share the work.
     */
    private static final String REAP = """
            WITH expired AS (
                SELECT id FROM jobs
                 WHERE state = 'running' AND lease_expires_at < now() - make_interval(secs => $1)
                 ORDER BY lease_expires_at LIMIT $2
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j SET state = CASE WHEN j.cancel_requested THEN 'cancelled'
                                           WHEN j.takeovers >= $4 THEN 'failed' ELSE 'queued' END,
                   error = CASE WHEN NOT j.cancel_requested AND j.takeovers >= $4 THEN $3::jsonb ELSE j.error END,
                   max_attempts = j.max_attempts + CASE WHEN j.cancel_requested OR j.takeovers >= $4 THEN 0 ELSE 1 END,
                   takeovers = j.takeovers + CASE WHEN j.cancel_requested OR j.takeovers >= $4 THEN 0 ELSE 1 END,
                   finished_at = CASE WHEN j.cancel_requested OR j.takeovers >= $4 THEN now() END,
                   lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
              FROM expired
             WHERE j.id = expired.id AND j.state = 'running'
            RETURNING j.id, j.state, j.priority, j.attempt, j.request ->> 'url' AS url""";

    private static final String UNFINISHED_AMONG = """
            SELECT id FROM jobs WHERE id = ANY($1) AND state IN ('queued', 'scheduled', 'running', 'retrying')""";

    private static final String QUEUED_AFTER = """
            SELECT id, priority FROM jobs WHERE state = 'queued' AND id > $1 ORDER BY id LIMIT $2""";

    /**
     * Queued jobs of one priority that have waited since before {@code $2} (PostgreSQL's now() when
     * null) less {@code $3} seconds: the queue's sweep found no sign of their entries. Touching
     * {@code updated_at} hands each to one sweeper and restarts its clock. The batch is picked in a
     * CTE: as an {@code IN (SELECT … LIMIT)} the planner may run the subquery more than once and
     * take more than the limit.
     */
    private static final String TOUCH_STRANDED_QUEUED = """
            WITH picked AS (
                SELECT id FROM jobs
                 WHERE state = 'queued' AND priority = $1
                   AND updated_at < coalesce(to_timestamp($2::bigint / 1000.0), now()) - make_interval(secs => $3)
                 ORDER BY updated_at LIMIT $4
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j SET updated_at = now()
              FROM picked
             WHERE j.id = picked.id AND j.state = 'queued'
            RETURNING j.id""";

    /** Retrying or scheduled jobs due more than {@code $1} seconds ago: the delayed set lost them. Back to queued. */
    private static final String REQUEUE_OVERDUE_RETRIES = """
            WITH picked AS (
                SELECT id FROM jobs
                 WHERE state IN ('retrying', 'scheduled') AND next_attempt_at < now() - make_interval(secs => $1)
                 ORDER BY next_attempt_at LIMIT $2
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j SET state = 'queued', next_attempt_at = NULL, updated_at = now()
              FROM picked
             WHERE j.id = picked.id AND j.state IN ('retrying', 'scheduled')
            RETURNING j.id, j.priority""";

    /** Failed jobs, oldest failure first after the cursor (finished_at, id): the dead letters a rebuild restores. */
    private static final String FAILED_AFTER = """
            SELECT id, request ->> 'url' AS url, error ->> 'code' AS code, attempt, finished_at FROM jobs
             WHERE state = 'failed' AND id > $1 ORDER BY id LIMIT $2""";

    private static final String RETRYING_AFTER = """
            SELECT id, next_attempt_at FROM jobs
             WHERE state IN ('retrying', 'scheduled') AND id > $1 ORDER BY id LIMIT $2""";

    private static final String FAIL_UNQUEUED = """
            UPDATE jobs SET state = 'failed', error = $2, next_attempt_at = NULL, finished_at = now(), updated_at = now()
             WHERE id = $1 AND state IN ('queued', 'scheduled')
            RETURNING state""";

    private static final String CANCEL = """
            UPDATE jobs SET state = CASE WHEN state IN ('queued', 'scheduled', 'retrying') THEN 'cancelled' ELSE state END,
                   finished_at = CASE WHEN state IN ('queued', 'scheduled', 'retrying') THEN now() ELSE finished_at END,
                   cancel_requested = true, updated_at = now()
             WHERE id = $1 AND state IN ('queued', 'scheduled', 'retrying', 'running')
            RETURNING state""";

    private static final String ENDING = """
            SELECT state, page_count, error, attempt, request ->> 'url' AS url,
                   (extract(epoch FROM now() - finished_at) * 1000)::bigint AS ended_ms_ago
              FROM jobs WHERE id = $1 AND finished_at IS NOT NULL""";

    private static final String STATE = "SELECT state FROM jobs WHERE id = $1";

    private static final String STATES = "SELECT id, state FROM jobs WHERE id = ANY($1)";

    /**
     * Re-drives a failed or aborted job: back to {@code queued} with a fresh allowance of attempts.
     * The attempt number is the fencing token of every worker write, so it is never reset: the
     * allowance moves up instead, and the re-driven job's first claim takes a number no earlier
     * attempt had, which fences out a worker of an earlier attempt still running (one that timed
     * out, or lost its lease) even if it is the very worker that claims the job again. The error
     * and its per-attempt history stay, so an operator still sees why it failed before. Its count
     * of lost workers starts again like its attempts: a job failed for losing too many workers
     * would otherwise fail again at its first lost worker after the re-drive.
     */
    private static final String REDRIVE = """
            UPDATE jobs SET state = 'queued', max_attempts = attempt + coalesce((request ->> 'maxAttempts')::int, 3),
                   takeovers = 0, cancel_requested = false, next_attempt_at = NULL,
                   finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
             WHERE id = $1 AND state IN ('failed', 'aborted')
            RETURNING priority, request ->> 'url' AS url""";

    private static final String OPS = """
            SELECT kind, context, created_at FROM op_ledger WHERE job_id = $1 ORDER BY created_at, op_key""";

    /** Jobs per batched statement at most, for each kind of batched write. */
    private static final int MAX_BATCH = 128;
    /** Jobs per batched INSERT at most: a few whole batches of {@code POST /v1/jobs/batch}. */
    private static final int MAX_INSERT_BATCH = 512;
    /**
     * One statement of a kind out at a time: what arrives meanwhile goes in the next one. Each
     * statement is planned afresh (see {@link PerCallPlans}), so fewer, larger statements cost
     * PostgreSQL less CPU per job, and its round trip is short beside the time it would save.
     */
    private static final int MAX_IN_FLIGHT = 1;

    private final Pool pool;
    private final RetryConfig retry;
    private final SubmitConfig submit;
    private final Batcher<NewJob, SubmittedJob> inserts;
    private final Batcher<ClaimRequest, Optional<ClaimedJob>> claims;
    private final Batcher<Completion, Optional<JobState>> completions;

    public JobStore(Pool pool, RetryConfig retry, SubmitConfig submit) {
        this.retry = retry;
        this.pool = pool;
        this.submit = submit;
        this.inserts = new Batcher<>(
                MAX_INSERT_BATCH,
                MAX_IN_FLIGHT,
                this::insertBatch,
                job -> insertBatch(List.of(job)).map(one -> one.get(0)));
        this.claims = new Batcher<>(MAX_BATCH, MAX_IN_FLIGHT, this::claimBatch);
        this.completions = new Batcher<>(
                MAX_BATCH,
                MAX_IN_FLIGHT,
                this::succeedBatch,
                completion -> succeedBatch(List.of(completion)).map(one -> one.get(0)));
    }

    /**
     * Records a new job, or, when it deduplicates and a live or recently succeeded job holds its
     * key, hands back that job marked deduplicated. Jobs recorded at the same moment share one
     * transaction (see {@link Batcher}); a batch the database refuses is retried job by job, so
     * one bad job fails alone.
     */
    public Uni<SubmittedJob> insert(NewJob job) {
        return inserts.submit(job);
    }

    /** Records the jobs (see {@link #insert}); the item is each one's answer, in order. */
    public Uni<List<SubmittedJob>> insertAll(List<NewJob> jobs) {
        return inserts.submitAll(jobs);
    }

    /** Takes the lease on a queued job, or on a running one whose lease has run out; empty if neither. */
    public Uni<Optional<ClaimedJob>> claim(UUID id, String owner, Duration lease) {
        return claims.submit(new ClaimRequest(id, owner, lease));
    }

    /**
     * Stores the page and ends the job: succeeded, or cancelled if a cancel arrived meanwhile;
     * empty if this worker no longer holds the lease. Jobs that end at the same moment share one
     * transaction, retried job by job if the database refuses it.
     */
    public Uni<Optional<JobState>> succeed(ClaimedJob job, StoredPage page) {
        return completions.submit(new Completion(job, page, false));
    }

    /**
     * Claims a job that was run before its claim, for attempt 1 by {@code job.owner()}, stores its
     * page and ends it {@code succeeded}, all in one update shared with {@link #succeed}'s: empty
     * if the job was claimed, cancelled or ended meanwhile, in which case nothing is written.
     */
    public Uni<Optional<JobState>> claimAndSucceed(ClaimedJob job, StoredPage page) {
        if (job.attempt() != 1) {
            throw new IllegalArgumentException("A job run before its claim is on its first attempt");
        }
        return completions.submit(new Completion(job, page, true));
    }

    private record ClaimRequest(UUID id, String owner, Duration lease) {}

    private record Completion(ClaimedJob job, StoredPage page, boolean unclaimed) {}

    /**
     * One statement for the batch. A job key that two deduplicating jobs of the batch share is
     * claimed by the first only; the others answer with whatever holds the key afterwards, as
     * they would have one after the other.
     */
    private Uni<List<SubmittedJob>> insertBatch(List<NewJob> jobs) {
        Map<String, Integer> leaders = new HashMap<>();
        List<NewJob> rows = new ArrayList<>(jobs.size());
        int[] rowOf = new int[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            NewJob job = jobs.get(i);
            Integer leader = job.dedupe() ? leaders.putIfAbsent(job.jobKey(), i) : null;
            rowOf[i] = leader == null ? rows.size() : -1 - rowOf[leader];
            if (leader == null) {
                rows.add(job);
            }
        }
        Tuple args = Tuple.from(new Object[] {
            rows.stream().map(NewJob::id).toArray(UUID[]::new),
            rows.stream().map(job -> job.spec().priority().wireName()).toArray(String[]::new),
            rows.stream().map(NewJob::request).toArray(String[]::new),
            rows.stream().map(NewJob::jobKey).toArray(String[]::new),
            rows.stream().map(NewJob::dedupe).toArray(Boolean[]::new),
            submit.dedupeWindow().toMillis() / 1000.0,
            rows.stream().map(NewJob::owner).toArray(String[]::new),
            rows.stream().map(NewJob::traceId).toArray(String[]::new),
            rows.stream()
                    .map(job -> job.runAt() == null ? null : OffsetDateTime.ofInstant(job.runAt(), ZoneOffset.UTC))
                    .toArray(OffsetDateTime[]::new)
        });
        return pool.preparedQuery(INSERT).execute(args).chain(answer -> {
            SubmittedJob[] recorded = new SubmittedJob[rows.size()];
            Map<Integer, UUID> held = new HashMap<>();
            int row = 0;
            for (Row result : answer) {
                OffsetDateTime inserted = result.getOffsetDateTime("inserted");
                if (inserted != null) {
                    recorded[row] = new SubmittedJob(
                            rows.get(row).id(), JobState.fromWire(result.getString("inserted_state")), inserted);
                } else {
                    held.put(row, result.getUUID("holder"));
                }
                row++;
            }
            return holders(held.values()).map(holders -> {
                held.forEach((r, holder) -> recorded[r] = holders.get(holder));
                List<SubmittedJob> answers = new ArrayList<>(jobs.size());
                for (int i = 0; i < jobs.size(); i++) {
                    answers.add(rowOf[i] >= 0 ? recorded[rowOf[i]] : deduplicatedTo(recorded[-1 - rowOf[i]]));
                }
                return answers;
            });
        });
    }

    private static SubmittedJob deduplicatedTo(SubmittedJob leader) {
        return new SubmittedJob(leader.id(), leader.state(), leader.createdAt(), true);
    }

    /** The jobs holding keys, as deduplicated answers, read after the claim committed. */
    private Uni<Map<UUID, SubmittedJob>> holders(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(HOLDERS)
                .execute(Tuple.of(ids.stream().distinct().toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, SubmittedJob> holders = new HashMap<>();
                    rows.forEach(row -> holders.put(
                            row.getUUID("id"),
                            new SubmittedJob(
                                    row.getUUID("id"),
                                    JobState.fromWire(row.getString("state")),
                                    row.getOffsetDateTime("created_at"),
                                    true)));
                    return holders;
                });
    }

    /**
     * One statement per worker and lease (a process has one of each). An id asked for twice in one
     * batch (two entries of one job) is given to the first request only, as two claims of the job
     * one after the other would be.
     */
    private Uni<List<Optional<ClaimedJob>>> claimBatch(List<ClaimRequest> requests) {
        Map<ClaimRequest, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ClaimRequest request = requests.get(i);
            groups.computeIfAbsent(new ClaimRequest(null, request.owner(), request.lease()), g -> new ArrayList<>())
                    .add(i);
        }
        List<Optional<ClaimedJob>> results = new ArrayList<>(Collections.nCopies(requests.size(), Optional.empty()));
        List<Uni<Void>> statements = new ArrayList<>(groups.size());
        groups.forEach((group, indexes) -> {
            UUID[] ids = indexes.stream()
                    .map(i -> requests.get(i).id())
                    .distinct()
                    .sorted()
                    .toArray(UUID[]::new);
            statements.add(pool.preparedQuery(CLAIM)
                    .execute(Tuple.of(ids, group.owner(), group.lease().toMillis() / 1000.0, retry.maxTakeovers()))
                    .invoke(rows -> {
                        Map<UUID, ClaimedJob> claimed = new HashMap<>();
                        for (Row row : rows) {
                            UUID id = row.getUUID("id");
                            claimed.put(
                                    id,
                                    new ClaimedJob(
                                            id,
                                            fromJson(row.getString("request")),
                                            row.getInteger("attempt"),
                                            group.owner(),
                                            row.getString("trace_id")));
                        }
                        indexes.forEach(i -> results.set(
                                i,
                                Optional.ofNullable(
                                        claimed.remove(requests.get(i).id()))));
                    })
                    .replaceWithVoid());
        });
        return Uni.join().all(statements).andFailFast().replaceWith(results);
    }

    private Uni<List<Optional<JobState>>> succeedBatch(List<Completion> completions) {
        Tuple args = Tuple.of(
                completions.stream().map(c -> c.job().id()).toArray(UUID[]::new),
                completions.stream().map(c -> c.job().owner()).toArray(String[]::new),
                completions.stream().map(c -> c.job().attempt()).toArray(Integer[]::new),
                completions.stream()
                        .map(c -> OpKeys.of(
                                OpKeys.PAGE_STORED, c.job().id(), c.page().url()))
                        .toArray(String[]::new),
                completions.stream().map(c -> pageJson(c.page())).toArray(JsonObject[]::new),
                completions.stream().map(Completion::unclaimed).toArray(Boolean[]::new));
        return pool.preparedQuery(SUCCEED).execute(args).map(rows -> {
            Map<UUID, JobState> ended = new HashMap<>();
            rows.forEach(row -> ended.put(row.getUUID("id"), JobState.fromWire(row.getString("state"))));
            return completions.stream()
                    .map(c -> Optional.ofNullable(ended.get(c.job().id())))
                    .toList();
        });
    }

    /** A page as the batched statements read it: one JSON object, without the members that are null. */
    private static JsonObject pageJson(StoredPage page) {
        JsonObject json = new JsonObject()
                .put("url", page.url())
                .put("statusCode", page.statusCode())
                .put("depth", page.depth())
                .put("links", new JsonArray(page.links()));
        putUnlessNull(json, "finalUrl", page.finalUrl());
        putUnlessNull(json, "contentType", page.contentType());
        putUnlessNull(json, "metadata", jsonOrNull(page.metadata()));
        putUnlessNull(json, "title", page.title());
        putUnlessNull(json, "description", page.description());
        putUnlessNull(json, "text", page.text());
        putUnlessNull(json, "markdown", page.markdown());
        putUnlessNull(json, "html", page.html());
        putUnlessNull(json, "fields", jsonOrNull(page.fields()));
        putUnlessNull(json, "error", jsonOrNull(page.error()));
        putUnlessNull(json, "skipReason", page.skipReason());
        putUnlessNull(json, "main", mainJson(page.main()));
        return json;
    }

    private static void putUnlessNull(JsonObject json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    /**
     * PostgreSQL refused the values of a write themselves, not the write: a data exception (SQLSTATE
     * class 22, e.g. a NUL character in text) or a limit exceeded (class 54, e.g. a URL too long
     * for the pages' unique index). The same values would be refused again, whatever the retries.
     */
    public static boolean refusedValues(Throwable failure) {
        return failure instanceof PgException pg
                && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("54"));
    }

    /** Stores one page of a crawl. Item: whether a cancel is pending; empty if the lease was lost. */
    public Uni<Optional<Boolean>> storePage(ClaimedJob job, StoredPage page) {
        return pool.preparedQuery(STORE_PAGE)
                .execute(pageTuple(job, page))
                .map(rows -> first(rows).map(row -> row.getBoolean("cancel_requested")));
    }

    /** Ends a crawl: succeeded, or cancelled if a cancel arrived meanwhile; counts its stored pages. */
    public Uni<Optional<JobState>> finishCrawl(ClaimedJob job) {
        return pool.preparedQuery(FINISH_CRAWL)
                .execute(Tuple.of(job.id(), job.owner(), job.attempt()))
                .map(JobStore::stateOf);
    }

    /** Ends a crawl {@code aborted} with the error ({@code cancelled} if a cancel arrived meanwhile). */
    public Uni<Optional<JobState>> abort(ClaimedJob job, Map<String, Object> error) {
        return pool.preparedQuery(ABORT)
                .execute(Tuple.of(job.id(), job.owner(), job.attempt(), new JsonObject(error)))
                .map(JobStore::stateOf);
    }

    /**
     * Extends the leases {@code owner} holds on these jobs, each for its attempt, in one statement;
     * the item is the jobs whose lease was kept (the others are no longer this worker's).
     */
    public Uni<Set<UUID>> renew(String owner, List<ClaimedJob> jobs, Duration lease) {
        if (jobs.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = jobs.stream().map(ClaimedJob::id).toArray(UUID[]::new);
        Integer[] attempts = jobs.stream().map(ClaimedJob::attempt).toArray(Integer[]::new);
        return pool.preparedQuery(RENEW)
                .execute(Tuple.of(ids, attempts, owner, lease.toMillis() / 1000.0))
                .map(rows -> {
                    Set<UUID> kept = new HashSet<>();
                    rows.forEach(row -> kept.add(row.getUUID("id")));
                    return kept;
                });
    }

    /** Hands back every lease {@code owner} holds (see {@link #RELEASE_LEASES}). */
    public Uni<List<ReapedJob>> releaseLeases(String owner) {
        return pool.preparedQuery(RELEASE_LEASES).execute(Tuple.of(owner)).map(rows -> {
            List<ReapedJob> released = new ArrayList<>();
            for (Row row : rows) {
                released.add(new ReapedJob(
                        row.getUUID("id"),
                        JobState.fromWire(row.getString("state")),
                        Priority.fromWire(row.getString("priority")),
                        row.getInteger("attempt"),
                        row.getString("url")));
            }
            return released;
        });
    }

    /** Moves a due retry back to {@code queued}; the item is its priority, empty if it was not waiting. */
    public Uni<Optional<Priority>> requeueRetry(UUID id) {
        return pool.preparedQuery(REQUEUE_RETRY)
                .execute(Tuple.of(id))
                .map(rows -> first(rows).map(row -> Priority.fromWire(row.getString("priority"))));
    }

    /** Ends the expired leases of up to {@code limit} running jobs (see {@link #REAP}). */
    public Uni<List<ReapedJob>> reapExpired(Duration grace, int limit, Map<String, Object> error) {
        return pool.preparedQuery(REAP)
                .execute(Tuple.of(grace.toMillis() / 1000.0, limit, new JsonObject(error), retry.maxTakeovers()))
                .map(rows -> {
                    List<ReapedJob> reaped = new ArrayList<>();
                    for (Row row : rows) {
                        reaped.add(new ReapedJob(
                                row.getUUID("id"),
                                JobState.fromWire(row.getString("state")),
                                Priority.fromWire(row.getString("priority")),
                                row.getInteger("attempt"),
                                row.getString("url")));
                    }
                    return reaped;
                });
    }

    /** Queued jobs with an id after {@code after}, in id order: for rebuilding lost queues. */
    /** Those of the jobs that have not ended (queued, running or retrying). */
    public Uni<Set<UUID>> unfinishedAmong(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery(UNFINISHED_AMONG)
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> unfinished = new HashSet<>();
                    rows.forEach(row -> unfinished.add(row.getUUID(0)));
                    return unfinished;
                });
    }

    public Uni<List<QueuedJob>> queuedAfter(UUID after, int limit) {
        return pool.preparedQuery(QUEUED_AFTER).execute(Tuple.of(after, limit)).map(rows -> {
            List<QueuedJob> jobs = new ArrayList<>();
            for (Row row : rows) {
                jobs.add(new QueuedJob(row.getUUID("id"), Priority.fromWire(row.getString("priority"))));
            }
            return jobs;
        });
    }

    /**
     * Takes up to {@code limit} queued jobs of {@code priority} that have waited since before
     * {@code before} (now when null) less {@code age}; each is handed to one caller.
     */
    public Uni<List<UUID>> touchStrandedQueued(Priority priority, Instant before, Duration age, int limit) {
        Tuple values = Tuple.tuple()
                .addValue(priority.wireName())
                .addValue(before == null ? null : before.toEpochMilli())
                .addValue(age.toMillis() / 1000.0)
                .addValue(limit);
        return pool.preparedQuery(TOUCH_STRANDED_QUEUED).execute(values).map(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getUUID("id")));
            return ids;
        });
    }

    /** Puts retrying jobs overdue by more than {@code age} back in {@code queued}; the items are those moved. */
    public Uni<List<Map.Entry<UUID, Priority>>> requeueOverdueRetries(Duration age, int limit) {
        return pool.preparedQuery(REQUEUE_OVERDUE_RETRIES)
                .execute(Tuple.of(age.toMillis() / 1000.0, limit))
                .map(rows -> {
                    List<Map.Entry<UUID, Priority>> jobs = new ArrayList<>();
                    rows.forEach(row ->
                            jobs.add(Map.entry(row.getUUID("id"), Priority.fromWire(row.getString("priority")))));
                    return jobs;
                });
    }

    /** Failed jobs with an id after {@code after}, in id order, as their dead letters would read. */
    public Uni<List<DeadLetter>> failedAfter(UUID after, int limit) {
        return pool.preparedQuery(FAILED_AFTER).execute(Tuple.of(after, limit)).map(rows -> {
            List<DeadLetter> letters = new ArrayList<>();
            for (Row row : rows) {
                OffsetDateTime finished = row.getOffsetDateTime("finished_at");
                letters.add(new DeadLetter(
                        null,
                        row.getUUID("id"),
                        row.getString("url"),
                        row.getString("code"),
                        row.getInteger("attempt"),
                        finished == null ? Instant.now() : finished.toInstant()));
            }
            return letters;
        });
    }

    /** Retrying and scheduled jobs with an id after {@code after}, in id order, with when each is due. */
    public Uni<List<DelayedJobs.Due>> retryingAfter(UUID after, int limit) {
        return pool.preparedQuery(RETRYING_AFTER)
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<DelayedJobs.Due> jobs = new ArrayList<>();
                    for (Row row : rows) {
                        OffsetDateTime due = row.getOffsetDateTime("next_attempt_at");
                        jobs.add(new DelayedJobs.Due(row.getUUID("id"), due == null ? Instant.EPOCH : due.toInstant()));
                    }
                    return jobs;
                });
    }

    private static Tuple pageTuple(ClaimedJob job, StoredPage page) {
        return Tuple.tuple()
                .addValue(job.id())
                .addValue(job.owner())
                .addValue(page.url())
                .addValue(page.finalUrl())
                .addValue(page.statusCode())
                .addValue(page.contentType())
                .addValue(page.depth())
                .addValue(jsonOrNull(page.metadata()))
                .addValue(page.title())
                .addValue(page.description())
                .addValue(page.text())
                .addValue(page.markdown())
                .addValue(page.html())
                .addArrayOfString(page.links().toArray(String[]::new))
                .addValue(jsonOrNull(page.fields()))
                .addValue(jsonOrNull(page.error()))
                .addValue(page.skipReason())
                .addValue(job.attempt())
                .addValue(OpKeys.of(OpKeys.PAGE_STORED, job.id(), page.url()))
                .addValue(mainJson(page.main()));
    }

    /** The main content as its column keeps it: {@code {"text": ..., "markdown": ...}}. */
    private static JsonObject mainJson(MainContent main) {
        return main == null ? null : new JsonObject().put("text", main.text()).put("markdown", main.markdown());
    }

    private static JsonObject jsonOrNull(Map<String, Object> map) {
        return map == null ? null : new JsonObject(map);
    }

    /**
     * Ends this attempt with the error: {@code retrying} until {@code retryAt} if it is given and
     * attempts are left, else {@code failed}; {@code cancelled} if a cancel arrived meanwhile.
     * Empty if this worker no longer holds the job's lease for this attempt.
     */
    public Uni<Optional<FailedAttempt>> fail(ClaimedJob job, Map<String, Object> error, Instant retryAt) {
        Tuple args = Tuple.of(
                job.id(),
                job.owner(),
                new JsonObject(error),
                job.attempt(),
                retryAt == null ? null : OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC));
        return pool.preparedQuery(FAIL)
                .execute(args)
                .map(rows -> first(rows).map(row -> {
                    OffsetDateTime next = row.getOffsetDateTime("next_attempt_at");
                    return new FailedAttempt(
                            JobState.fromWire(row.getString("state")), next == null ? null : next.toInstant());
                }));
    }

    /** A job that never reached the queue fails at once, so no client waits on it. */
    public Uni<Optional<JobState>> failUnqueued(UUID id, Map<String, Object> error) {
        return pool.preparedQuery(FAIL_UNQUEUED)
                .execute(Tuple.of(id, new JsonObject(error)))
                .map(JobStore::stateOf);
    }

    /**
     * A queued or retrying job is cancelled at once; a running one is flagged and its worker
     * ends it at the next step. The item is the state after the call, empty if the job was
     * already finished or does not exist.
     */
    public Uni<Optional<JobState>> cancel(UUID id) {
        return pool.preparedQuery(CANCEL).execute(Tuple.of(id)).map(JobStore::stateOf);
    }

    /** How a finished job ended and how long ago; empty if it has not finished. */
    public Uni<Optional<JobEnding>> ending(UUID id) {
        return pool.preparedQuery(ENDING)
                .execute(Tuple.of(id))
                .map(rows -> first(rows).map(row -> {
                    JsonObject error = row.getJsonObject("error");
                    return new JobEnding(
                            JobState.fromWire(row.getString("state")),
                            row.getString("url"),
                            row.getInteger("attempt"),
                            row.getInteger("page_count"),
                            error == null ? null : error.getMap(),
                            Duration.ofMillis(Math.max(0, row.getLong("ended_ms_ago"))));
                }));
    }

    public Uni<Optional<JobState>> state(UUID id) {
        return pool.preparedQuery(STATE).execute(Tuple.of(id)).map(JobStore::stateOf);
    }

    /** The states of those of the jobs that exist. */
    public Uni<Map<UUID, JobState>> states(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(STATES)
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, JobState> states = new java.util.HashMap<>();
                    for (Row row : rows) {
                        states.put(row.getUUID("id"), JobState.fromWire(row.getString("state")));
                    }
                    return states;
                });
    }

    /** Puts a failed or aborted job back in the queue; the item is its priority, empty if it was in another state. */
    public Uni<Optional<Priority>> redrive(UUID id) {
        return pool.preparedQuery(REDRIVE)
                .execute(Tuple.of(id))
                .map(rows -> first(rows).map(row -> Priority.fromWire(row.getString("priority"))));
    }

    /** The job's operation-ledger entries, oldest first. */
    public Uni<List<LedgerEntry>> ops(UUID jobId) {
        return pool.preparedQuery(OPS).execute(Tuple.of(jobId)).map(rows -> {
            List<LedgerEntry> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(new LedgerEntry(
                        row.getString("kind"), row.getString("context"), row.getOffsetDateTime("created_at")));
            }
            return entries;
        });
    }

    private static Optional<JobState> stateOf(RowSet<Row> rows) {
        return first(rows).map(row -> JobState.fromWire(row.getString("state")));
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    static String toJson(JobSpec spec) {
        try {
            return SPEC_WRITER.writeValueAsString(spec);
        } catch (IOException e) {
            throw new UncheckedIOException("A job spec could not be written as JSON", e);
        }
    }

    static JobSpec fromJson(String json) {
        try {
            return SPEC_READER.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException("A stored request could not be read as a job spec", e);
        }
    }
}
