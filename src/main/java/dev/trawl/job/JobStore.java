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
import java.time.OffsetDateTime;
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
            INSERT INTO jobs (id, state, priority, request, job_key)
            VALUES ($1, 'queued', $2, $3, $4)
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
                INSERT INTO jobs (id, state, priority, request, job_key)
                SELECT $1, 'queued', $2, $3, $4 FROM claim WHERE job_id = $1
                RETURNING created_at
            )
            SELECT claim.job_id, job.created_at AS inserted FROM claim LEFT JOIN job ON true""";

    /** Read in a statement of its own: the holder may have committed after the claim's snapshot. */
    private static final String HOLDER = "SELECT state, created_at FROM jobs WHERE id = $1";

    private static final String CLAIM = """
            UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = $2,
                   lease_expires_at = now() + make_interval(secs => $3),
                   started_at = coalesce(started_at, now()), updated_at = now()
             WHERE id = $1 AND NOT cancel_requested
               AND (state = 'queued' OR (state = 'running' AND lease_expires_at < now()))
            RETURNING request, attempt""";

    private static final String PAGE_COLUMNS =
            "job_id, url, final_url, status_code, content_type, depth, metadata, title, description, text, markdown, "
                    + "html, links, fields, error, skip_reason";
    private static final String PAGE_VALUES = "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17";

    /** The single-page path: store the page and end the job in one statement. */
    private static final String SUCCEED = """
            WITH done AS (
                UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'succeeded' END,
                       page_count = page_count + CASE WHEN cancel_requested THEN 0 ELSE 1 END,
                       finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = $1 AND state = 'running' AND lease_owner = $2
                RETURNING id, state
            ), page AS (
                INSERT INTO pages (%s)
                SELECT id, %s FROM done WHERE state = 'succeeded'
                ON CONFLICT (job_id, url) DO NOTHING
            )
            SELECT state FROM done""".formatted(PAGE_COLUMNS, PAGE_VALUES);

    /**
     * One page of a crawl, stored only while this worker holds the lease and no cancel is asked;
     * the row says whether a cancel is pending (the crawl then stops), no row that the lease is lost.
     */
    private static final String STORE_PAGE = """
            WITH j AS (
                SELECT id, cancel_requested FROM jobs WHERE id = $1 AND state = 'running' AND lease_owner = $2
            ), page AS (
                INSERT INTO pages (%s)
                SELECT id, %s FROM j WHERE NOT cancel_requested
                ON CONFLICT (job_id, url) DO NOTHING
            )
            SELECT cancel_requested FROM j""".formatted(PAGE_COLUMNS, PAGE_VALUES);

    private static final String FINISH_CRAWL = """
            UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'succeeded' END,
                   page_count = (SELECT count(*) FROM pages
                                  WHERE job_id = $1 AND error IS NULL AND skip_reason IS NULL),
                   finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $1 AND state = 'running' AND lease_owner = $2
            RETURNING state""";

    private static final String FAIL = """
            UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END,
                   error = $3, finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $1 AND state = 'running' AND lease_owner = $2
            RETURNING state""";

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

    private static final String STATE = "SELECT state FROM jobs WHERE id = $1";

    private final Pool pool;

    public JobStore(Pool pool) {
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
                .execute(Tuple.of(id, owner, lease.toMillis() / 1000.0))
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
        return pool.preparedQuery(FINISH_CRAWL).execute(Tuple.of(job.id(), job.owner())).map(JobStore::stateOf);
    }

    private static Tuple pageTuple(ClaimedJob job, StoredPage page) {
        return Tuple.tuple().addValue(job.id()).addValue(job.owner())
                .addValue(page.url()).addValue(page.finalUrl()).addValue(page.statusCode()).addValue(page.contentType())
                .addValue(page.depth()).addValue(jsonOrNull(page.metadata())).addValue(page.title())
                .addValue(page.description()).addValue(page.text()).addValue(page.markdown()).addValue(page.html())
                .addArrayOfString(page.links().toArray(String[]::new)).addValue(jsonOrNull(page.fields()))
                .addValue(jsonOrNull(page.error())).addValue(page.skipReason());
    }

    private static JsonObject jsonOrNull(Map<String, Object> map) {
        return map == null ? null : new JsonObject(map);
    }

    /** Ends the job as failed with the error, or cancelled if a cancel arrived meanwhile. */
    public Uni<Optional<JobState>> fail(ClaimedJob job, Map<String, Object> error) {
        return pool.preparedQuery(FAIL).execute(Tuple.of(job.id(), job.owner(), new JsonObject(error)))
                .map(JobStore::stateOf);
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

    public Uni<Optional<JobState>> state(UUID id) {
        return pool.preparedQuery(STATE).execute(Tuple.of(id)).map(JobStore::stateOf);
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
