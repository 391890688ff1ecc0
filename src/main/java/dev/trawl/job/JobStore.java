package dev.trawl.job;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every write to a job, each one conditional UPDATE (or INSERT) on the reactive PostgreSQL
 * client: the {@code WHERE} names the states a transition may start from and the lease owner, so
 * a racing or stale writer changes nothing and is told so by an empty result.
 */
@ApplicationScoped
public class JobStore {

    private static final String INSERT = """
            INSERT INTO jobs (id, state, priority, request, job_key, max_attempts)
            VALUES ($1, 'queued', $2, $3, $4, coalesce(($3::jsonb ->> 'maxAttempts')::int, 3))
            RETURNING created_at""";

    /**
     * Claims the job key for a new job and inserts it, or hands back the job that holds the key.
     * The key's row serializes concurrent identical submits; its holder is replaced only if it
     * failed, was cancelled, aborted or marked duplicate, or succeeded longer than the window
     * ago. A holder this statement's snapshot cannot see yet was committed just now, so it
     * counts as live. {@code inserted} is null when the key was held.
     */
    private static final String INSERT_UNLESS_HELD = """
            WITH claim AS (
                INSERT INTO job_keys AS k (job_key, job_id) VALUES ($4, $1)
                ON CONFLICT (job_key) DO UPDATE
                   SET job_id = CASE WHEN EXISTS (
                           SELECT 1 FROM jobs o
                            WHERE o.id = k.job_id
                              AND (o.state IN ('failed', 'cancelled', 'aborted', 'duplicate')
                                   OR o.state = 'succeeded'
                                      AND o.finished_at <= now() - make_interval(secs => $5)))
                       THEN EXCLUDED.job_id ELSE k.job_id END
                RETURNING job_id
            ), job AS (
                INSERT INTO jobs (id, state, priority, request, job_key, max_attempts)
                SELECT $1, 'queued', $2, $3, $4, coalesce(($3::jsonb ->> 'maxAttempts')::int, 3)
                  FROM claim WHERE job_id = $1
                RETURNING created_at
            )
            SELECT claim.job_id, job.created_at AS inserted FROM claim LEFT JOIN job ON true""";

    /** Read in a statement of its own: the holder may have committed after the claim's snapshot. */
    private static final String HOLDER = "SELECT state, created_at FROM jobs WHERE id = $1";

    /**
     * Takes a queued job, or takes over a running one whose worker was lost (its lease ran out).
     * A take-over starts a new attempt (the fencing token) without spending one: the attempt limit
     * grows with it. Only {@code $4} take-overs are allowed; then the reaper fails the job.
     */
    private static final String CLAIM = """
            UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = $2,
                   max_attempts = max_attempts + CASE WHEN state = 'running' THEN 1 ELSE 0 END,
                   takeovers = takeovers + CASE WHEN state = 'running' THEN 1 ELSE 0 END,
                   lease_expires_at = now() + make_interval(secs => $3),
                   started_at = coalesce(started_at, now()), updated_at = now()
             WHERE id = $1 AND NOT cancel_requested
               AND (state = 'queued' OR (state = 'running' AND lease_expires_at < now() AND takeovers < $4))
            RETURNING request, attempt""";

    private static final String PAGE_COLUMNS =
            "job_id, url, final_url, status_code, content_type, depth, metadata, title, description, text, markdown, "
                    + "html, links, fields, error, skip_reason";
    private static final String PAGE_VALUES = "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17";

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

    /** The single-page path: store the page (through the ledger) and end the job in one statement. */
    private static final String SUCCEED = """
            WITH done AS (
                UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'succeeded' END,
                       page_count = page_count + CASE WHEN cancel_requested THEN 0 ELSE 1 END,
                       error = NULL, next_attempt_at = NULL,
                       finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND attempt = $18
                RETURNING id, state
            ), %s
            SELECT state FROM done""".formatted(ledgeredPageFrom("done WHERE state = 'succeeded'"));

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
    private static final String ABORT = endCrawl("CASE WHEN cancel_requested THEN 'cancelled' ELSE 'aborted' END",
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

    /** Keeps the lease of a running job; refused once another worker or a later attempt holds it. */
    private static final String RENEW = """
            UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $4)
             WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND attempt = $3
            RETURNING id""";

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

    /** A due retry goes back to the queue; the item is its priority, empty if it is no longer waiting. */
    private static final String REQUEUE_RETRY = """
            UPDATE jobs SET state = 'queued', next_attempt_at = NULL, updated_at = now()
             WHERE id = $1 AND state = 'retrying'
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

    /** Retrying jobs due more than {@code $1} seconds ago: the delayed set lost them. Back to queued. */
    private static final String REQUEUE_OVERDUE_RETRIES = """
            WITH picked AS (
                SELECT id FROM jobs
                 WHERE state = 'retrying' AND next_attempt_at < now() - make_interval(secs => $1)
                 ORDER BY next_attempt_at LIMIT $2
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j SET state = 'queued', next_attempt_at = NULL, updated_at = now()
              FROM picked
             WHERE j.id = picked.id AND j.state = 'retrying'
            RETURNING j.id, j.priority""";

    /** Failed jobs, oldest failure first after the cursor (finished_at, id): the dead letters a rebuild restores. */
    private static final String FAILED_AFTER = """
            SELECT id, request ->> 'url' AS url, error ->> 'code' AS code, attempt, finished_at FROM jobs
             WHERE state = 'failed' AND id > $1 ORDER BY id LIMIT $2""";

    private static final String RETRYING_AFTER = """
            SELECT id, next_attempt_at FROM jobs WHERE state = 'retrying' AND id > $1 ORDER BY id LIMIT $2""";

    private static final String FAIL_UNQUEUED = """
            UPDATE jobs SET state = 'failed', error = $2, finished_at = now(), updated_at = now()
             WHERE id = $1 AND state = 'queued'
            RETURNING state""";

    private static final String CANCEL = """
            UPDATE jobs SET state = CASE WHEN state IN ('queued', 'retrying') THEN 'cancelled' ELSE state END,
                   finished_at = CASE WHEN state IN ('queued', 'retrying') THEN now() ELSE finished_at END,
                   cancel_requested = true, updated_at = now()
             WHERE id = $1 AND state IN ('queued', 'retrying', 'running')
            RETURNING state""";

    private static final String ENDING = """
            SELECT state, page_count, error, attempt, request ->> 'url' AS url,
                   (extract(epoch FROM now() - finished_at) * 1000)::bigint AS ended_ms_ago
              FROM jobs WHERE id = $1 AND finished_at IS NOT NULL""";

    private static final String STATE = "SELECT state FROM jobs WHERE id = $1";

    private static final String STATES = "SELECT id, state FROM jobs WHERE id = ANY($1)";

    /**
     * Re-drives a failed or aborted job: back to {@code queued} with its attempts reset. The error
     * and its per-attempt history stay, so an operator still sees why it failed before.
     */
    private static final String REDRIVE = """
            UPDATE jobs SET state = 'queued', attempt = 0, cancel_requested = false, next_attempt_at = NULL,
                   finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
             WHERE id = $1 AND state IN ('failed', 'aborted')
            RETURNING priority, request ->> 'url' AS url""";

    private static final String OPS = """
            SELECT kind, context, created_at FROM op_ledger WHERE job_id = $1 ORDER BY created_at, op_key""";

    private final Pool pool;
    private final RetryConfig retry;

    public JobStore(Pool pool, RetryConfig retry) {
        this.retry = retry;
        this.pool = pool;
    }

    public Uni<OffsetDateTime> insert(UUID id, JobSpec spec, String jobKey) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(id, spec.priority().wireName(), toJson(spec), jobKey))
                .map(rows -> rows.iterator().next().getOffsetDateTime("created_at"));
    }

    /**
     * Inserts the job unless a live or recently succeeded job holds its key; then that job is
     * the item, marked deduplicated.
     */
    public Uni<SubmittedJob> insertUnlessHeld(UUID id, JobSpec spec, String jobKey, Duration window) {
        return pool.preparedQuery(INSERT_UNLESS_HELD)
                .execute(Tuple.of(id, spec.priority().wireName(), toJson(spec), jobKey, window.toMillis() / 1000.0))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    OffsetDateTime inserted = row.getOffsetDateTime("inserted");
                    if (inserted != null) {
                        return Uni.createFrom().item(new SubmittedJob(id, JobState.QUEUED, inserted));
                    }
                    UUID holder = row.getUUID("job_id");
                    return pool.preparedQuery(HOLDER).execute(Tuple.of(holder)).map(held -> {
                        Row job = held.iterator().next();
                        return new SubmittedJob(holder, JobState.fromWire(job.getString("state")),
                                job.getOffsetDateTime("created_at"), true);
                    });
                });
    }

    /** Takes the lease on a queued job, or on a running one whose lease has run out. */
    public Uni<Optional<ClaimedJob>> claim(UUID id, String owner, Duration lease) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(id, owner, lease.toMillis() / 1000.0, retry.maxTakeovers()))
                .map(rows -> first(rows).map(row ->
                        new ClaimedJob(id, fromJson(row.getJsonObject("request")), row.getInteger("attempt"), owner)));
    }

    /** Stores the page and ends the job: succeeded, or cancelled if a cancel arrived meanwhile. */
    public Uni<Optional<JobState>> succeed(ClaimedJob job, StoredPage page) {
        return pool.preparedQuery(SUCCEED).execute(pageTuple(job, page)).map(JobStore::stateOf);
    }

    /** Stores one page of a crawl. Item: whether a cancel is pending; empty if the lease was lost. */
    public Uni<Optional<Boolean>> storePage(ClaimedJob job, StoredPage page) {
        return pool.preparedQuery(STORE_PAGE).execute(pageTuple(job, page))
                .map(rows -> first(rows).map(row -> row.getBoolean("cancel_requested")));
    }

    /** Ends a crawl: succeeded, or cancelled if a cancel arrived meanwhile; counts its stored pages. */
    public Uni<Optional<JobState>> finishCrawl(ClaimedJob job) {
        return pool.preparedQuery(FINISH_CRAWL).execute(Tuple.of(job.id(), job.owner(), job.attempt()))
                .map(JobStore::stateOf);
    }

    /** Ends a crawl {@code aborted} with the error ({@code cancelled} if a cancel arrived meanwhile). */
    public Uni<Optional<JobState>> abort(ClaimedJob job, Map<String, Object> error) {
        return pool.preparedQuery(ABORT).execute(Tuple.of(job.id(), job.owner(), job.attempt(), new JsonObject(error)))
                .map(JobStore::stateOf);
    }

    /** Extends the lease of this attempt; false if the worker no longer holds it. */
    public Uni<Boolean> renew(ClaimedJob job, Duration lease) {
        return pool.preparedQuery(RENEW).execute(Tuple.of(job.id(), job.owner(), job.attempt(), lease.toMillis() / 1000.0))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Hands back every lease {@code owner} holds (see {@link #RELEASE_LEASES}). */
    public Uni<List<ReapedJob>> releaseLeases(String owner) {
        return pool.preparedQuery(RELEASE_LEASES).execute(Tuple.of(owner)).map(rows -> {
            List<ReapedJob> released = new ArrayList<>();
            for (Row row : rows) {
                released.add(new ReapedJob(row.getUUID("id"), JobState.fromWire(row.getString("state")),
                        Priority.fromWire(row.getString("priority")), row.getInteger("attempt"), row.getString("url")));
            }
            return released;
        });
    }

    /** Moves a due retry back to {@code queued}; the item is its priority, empty if it was not waiting. */
    public Uni<Optional<Priority>> requeueRetry(UUID id) {
        return pool.preparedQuery(REQUEUE_RETRY).execute(Tuple.of(id))
                .map(rows -> first(rows).map(row -> Priority.fromWire(row.getString("priority"))));
    }

    /** Ends the expired leases of up to {@code limit} running jobs (see {@link #REAP}). */
    public Uni<List<ReapedJob>> reapExpired(Duration grace, int limit, Map<String, Object> error) {
        return pool.preparedQuery(REAP)
                .execute(Tuple.of(grace.toMillis() / 1000.0, limit, new JsonObject(error), retry.maxTakeovers()))
                .map(rows -> {
                    List<ReapedJob> reaped = new ArrayList<>();
                    for (Row row : rows) {
                        reaped.add(new ReapedJob(row.getUUID("id"), JobState.fromWire(row.getString("state")),
                                Priority.fromWire(row.getString("priority")), row.getInteger("attempt"), row.getString("url")));
                    }
                    return reaped;
                });
    }

    /** Queued jobs with an id after {@code after}, in id order: for rebuilding lost queues. */
    public Uni<List<Map.Entry<UUID, Priority>>> queuedAfter(UUID after, int limit) {
        return pool.preparedQuery(QUEUED_AFTER).execute(Tuple.of(after, limit)).map(rows -> {
            List<Map.Entry<UUID, Priority>> jobs = new ArrayList<>();
            for (Row row : rows) {
                jobs.add(Map.entry(row.getUUID("id"), Priority.fromWire(row.getString("priority"))));
            }
            return jobs;
        });
    }

    /**
     * Takes up to {@code limit} queued jobs of {@code priority} that have waited since before
     * {@code before} (now when null) less {@code age}; each is handed to one caller.
     */
    public Uni<List<UUID>> touchStrandedQueued(Priority priority, Instant before, Duration age, int limit) {
        Tuple values = Tuple.tuple().addValue(priority.wireName())
                .addValue(before == null ? null : before.toEpochMilli()).addValue(age.toMillis() / 1000.0)
                .addValue(limit);
        return pool.preparedQuery(TOUCH_STRANDED_QUEUED).execute(values).map(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getUUID("id")));
            return ids;
        });
    }

    /** Puts retrying jobs overdue by more than {@code age} back in {@code queued}; the items are those moved. */
    public Uni<List<Map.Entry<UUID, Priority>>> requeueOverdueRetries(Duration age, int limit) {
        return pool.preparedQuery(REQUEUE_OVERDUE_RETRIES).execute(Tuple.of(age.toMillis() / 1000.0, limit))
                .map(rows -> {
                    List<Map.Entry<UUID, Priority>> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(Map.entry(row.getUUID("id"), Priority.fromWire(row.getString("priority")))));
                    return jobs;
                });
    }

    /** Retrying jobs with an id after {@code after}, in id order, with when each is due. */
    /** Failed jobs with an id after {@code after}, in id order, as their dead letters would read. */
    public Uni<List<DeadLetter>> failedAfter(UUID after, int limit) {
        return pool.preparedQuery(FAILED_AFTER).execute(Tuple.of(after, limit)).map(rows -> {
            List<DeadLetter> letters = new ArrayList<>();
            for (Row row : rows) {
                OffsetDateTime finished = row.getOffsetDateTime("finished_at");
                letters.add(new DeadLetter(null, row.getUUID("id"), row.getString("url"), row.getString("code"),
                        row.getInteger("attempt"), finished == null ? Instant.now() : finished.toInstant()));
            }
            return letters;
        });
    }

    public Uni<List<Map.Entry<UUID, Instant>>> retryingAfter(UUID after, int limit) {
        return pool.preparedQuery(RETRYING_AFTER).execute(Tuple.of(after, limit)).map(rows -> {
            List<Map.Entry<UUID, Instant>> jobs = new ArrayList<>();
            for (Row row : rows) {
                OffsetDateTime due = row.getOffsetDateTime("next_attempt_at");
                jobs.add(Map.entry(row.getUUID("id"), due == null ? Instant.EPOCH : due.toInstant()));
            }
            return jobs;
        });
    }

    private static Tuple pageTuple(ClaimedJob job, StoredPage page) {
        return Tuple.tuple().addValue(job.id()).addValue(job.owner())
                .addValue(page.url()).addValue(page.finalUrl()).addValue(page.statusCode()).addValue(page.contentType())
                .addValue(page.depth()).addValue(jsonOrNull(page.metadata())).addValue(page.title())
                .addValue(page.description()).addValue(page.text()).addValue(page.markdown()).addValue(page.html())
                .addArrayOfString(page.links().toArray(String[]::new)).addValue(jsonOrNull(page.fields()))
                .addValue(jsonOrNull(page.error())).addValue(page.skipReason()).addValue(job.attempt())
                .addValue(OpKeys.of(OpKeys.PAGE_STORED, job.id(), page.url()));
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
        Tuple args = Tuple.of(job.id(), job.owner(), new JsonObject(error), job.attempt(),
                retryAt == null ? null : OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC));
        return pool.preparedQuery(FAIL).execute(args).map(rows -> first(rows).map(row -> {
            OffsetDateTime next = row.getOffsetDateTime("next_attempt_at");
            return new FailedAttempt(JobState.fromWire(row.getString("state")), next == null ? null : next.toInstant());
        }));
    }

    /** A job that never reached the queue fails at once, so no client waits on it. */
    public Uni<Optional<JobState>> failUnqueued(UUID id, Map<String, Object> error) {
        return pool.preparedQuery(FAIL_UNQUEUED).execute(Tuple.of(id, new JsonObject(error))).map(JobStore::stateOf);
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
        return pool.preparedQuery(ENDING).execute(Tuple.of(id)).map(rows -> first(rows).map(row -> {
            JsonObject error = row.getJsonObject("error");
            return new JobEnding(JobState.fromWire(row.getString("state")), row.getString("url"),
                    row.getInteger("attempt"), row.getInteger("page_count"), error == null ? null : error.getMap(),
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
        return pool.preparedQuery(STATES).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, JobState> states = new java.util.HashMap<>();
            for (Row row : rows) {
                states.put(row.getUUID("id"), JobState.fromWire(row.getString("state")));
            }
            return states;
        });
    }

    /** Puts a failed or aborted job back in the queue; the item is its priority, empty if it was in another state. */
    public Uni<Optional<Priority>> redrive(UUID id) {
        return pool.preparedQuery(REDRIVE).execute(Tuple.of(id))
                .map(rows -> first(rows).map(row -> Priority.fromWire(row.getString("priority"))));
    }

    /** The job's operation-ledger entries, oldest first. */
    public Uni<List<LedgerEntry>> ops(UUID jobId) {
        return pool.preparedQuery(OPS).execute(Tuple.of(jobId)).map(rows -> {
            List<LedgerEntry> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(new LedgerEntry(row.getString("kind"), row.getString("context"),
                        row.getOffsetDateTime("created_at")));
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

    static JsonObject toJson(JobSpec spec) {
        return JsonObject.mapFrom(spec);
    }

    static JobSpec fromJson(JsonObject json) {
        return json.mapTo(JobSpec.class);
    }
}
