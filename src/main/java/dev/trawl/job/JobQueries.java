package dev.trawl.job;

import dev.trawl.scrape.MainContent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of jobs and their pages for the API: prepared statements on the reactive PostgreSQL
 * client that select only the columns their view shows, mapped straight into records. A status
 * read is the API's most frequent request; it costs no framework session, no entity and no JSON
 * parse of columns nobody shows (the stored request), and the status reads that arrive on one
 * event loop in the same turn share one statement ({@link #find}).
 */
@ApplicationScoped
public class JobQueries {

    private static final String FIND = """
            SELECT id, state, priority, attempt, created_at, started_at, finished_at, page_count, error, owner,
                   trace_id, CASE WHEN state = 'scheduled' THEN next_attempt_at END AS run_at, schedule_id,
                   schedule_tick
              FROM jobs WHERE id = ANY($1)""";

    /** Bounds one statement's id list; a turn that gathers more sends several statements. */
    static final int MAX_BATCH = 256;

    /** Pages are counted only for a succeeded job: any other gets a 409 and no pages. */
    private static final String RESULT_HEADER = """
            SELECT state, request -> 'formats' AS formats, owner,
                   CASE WHEN state IN ('succeeded', 'failed', 'aborted', 'cancelled')
                        THEN (SELECT count(*) FROM pages WHERE job_id = $1) ELSE 0 END AS total
              FROM jobs WHERE id = $1""";

    /**
     * In the order the pages were stored (their serial id), as a crawl stored them: of the rows
     * from {@code offset} up to {@code limit}, the longest run whose running size stays within
     * {@code $4} bytes, and at least the first row however large. The sizes are read from the
     * stored values' headers ({@code octet_length} of a text, {@code pg_column_size} of a jsonb or
     * array) without loading them, so only the rows that are sent are ever read in full.
     */
    private static final String PAGES = """
            WITH window_rows AS (
                SELECT id, octet_length(url) + coalesce(octet_length(final_url), 0)
                         + coalesce(octet_length(title), 0) + coalesce(octet_length(description), 0)
                         + coalesce(octet_length(text), 0) + coalesce(octet_length(markdown), 0)
                         + coalesce(octet_length(html), 0) + coalesce(pg_column_size(links), 0)
                         + coalesce(pg_column_size(metadata), 0) + coalesce(pg_column_size(fields), 0)
                         + coalesce(pg_column_size(error), 0) + coalesce(pg_column_size(main), 0) AS size
                  FROM pages WHERE job_id = $1 ORDER BY id OFFSET $2 LIMIT $3),
            sized AS (
                SELECT id, sum(size) OVER (ORDER BY id) AS running, row_number() OVER (ORDER BY id) AS n
                  FROM window_rows)
            SELECT p.url, p.final_url, p.status_code, p.content_type, p.depth, p.title, p.description, p.metadata,
                   p.text, p.markdown, p.html, p.links, p.fields, p.error, p.skip_reason, p.main
              FROM sized JOIN pages p ON p.id = sized.id
             WHERE sized.running <= $4 OR sized.n = 1
             ORDER BY p.id""";

    private final Pool pool;
    /** The batch an event-loop thread is gathering in its current turn; flushed at the end of the turn. */
    private final ThreadLocal<FindBatch> gathering = new ThreadLocal<>();

    public JobQueries(Pool pool) {
        this.pool = pool;
    }

    /**
     * The job's summary, empty for an unknown job. On an event loop the id joins the batch of
     * the current turn: every status read the loop takes in before it next runs its task queue
     * (one select pass) goes out in one {@code WHERE id = ANY($1)} statement, flushed by a task
     * queued behind them, so a lone read waits for nothing and a busy API pod sends one
     * statement, one write and one PostgreSQL execution for many reads. Each caller is answered
     * on its own Vert.x context. The statement runs after every read of the batch arrived, so a
     * read sees every write committed before it was sent. Off the event loop it is one statement.
     */
    public Uni<Optional<JobSummary>> find(UUID id) {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            return findAll(List.of(id)).map(found -> Optional.ofNullable(found.get(id)));
        }
        return Uni.createFrom().emitter(emitter -> join(context, id, emitter));
    }

    private void join(Context context, UUID id, UniEmitter<? super Optional<JobSummary>> emitter) {
        FindBatch batch = gathering.get();
        if (batch == null) {
            FindBatch fresh = new FindBatch();
            gathering.set(fresh);
            context.runOnContext(ignored -> flush(fresh));
            batch = fresh;
        }
        batch.waiters.add(new FindWaiter(id, context, emitter));
        if (batch.waiters.size() >= MAX_BATCH) {
            flush(batch);
        }
    }

    private void flush(FindBatch batch) {
        if (gathering.get() == batch) {
            gathering.remove();
        }
        if (batch.flushed) {
            return;
        }
        batch.flushed = true;
        List<UUID> ids = new ArrayList<>(batch.waiters.size());
        for (FindWaiter waiter : batch.waiters) {
            ids.add(waiter.id());
        }
        findAll(ids)
                .subscribe()
                .with(
                        found -> batch.waiters.forEach(w -> w.context()
                                .runOnContext(ignored -> w.emitter().complete(Optional.ofNullable(found.get(w.id()))))),
                        failure -> batch.waiters.forEach(w ->
                                w.context().runOnContext(ignored -> w.emitter().fail(failure))));
    }

    private Uni<Map<UUID, JobSummary>> findAll(List<UUID> ids) {
        return pool.preparedQuery(FIND)
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, JobSummary> found = new HashMap<>(rows.size() * 2);
                    for (Row row : rows) {
                        UUID id = row.getUUID(0);
                        found.put(
                                id,
                                new JobSummary(
                                        id,
                                        row.getString(1),
                                        row.getString(2),
                                        row.getInteger(3),
                                        row.getOffsetDateTime(4),
                                        row.getOffsetDateTime(5),
                                        row.getOffsetDateTime(6),
                                        row.getInteger(7),
                                        map(row.getValue(8)),
                                        row.getString(9),
                                        row.getString(10),
                                        row.getOffsetDateTime(11),
                                        row.getUUID(12),
                                        row.getOffsetDateTime(13)));
                    }
                    return found;
                });
    }

    /** The reads one event-loop turn gathered; touched only by that loop's thread. */
    private static final class FindBatch {
        final List<FindWaiter> waiters = new ArrayList<>();
        boolean flushed;
    }

    private record FindWaiter(UUID id, Context context, UniEmitter<? super Optional<JobSummary>> emitter) {}

    /** The job's state, formats, owner and (if it succeeded) its number of page rows; empty for an unknown job. */
    public Uni<Optional<JobResultHeader>> resultHeader(UUID id) {
        return pool.preparedQuery(RESULT_HEADER)
                .execute(Tuple.of(id))
                .map(rows -> first(rows)
                        .map(row -> new JobResultHeader(
                                row.getString(0), strings(row.getValue(1)), row.getString(2), row.getLong(3))));
    }

    /**
     * Up to {@code limit} pages from {@code offset}, as many as fit in {@code maxBytes} of stored
     * values (at least one, however large), so one response never holds a whole large crawl; the
     * caller asks again from where this one stopped.
     */
    public Uni<List<PageRecord>> pages(UUID jobId, int offset, int limit, long maxBytes) {
        return pool.preparedQuery(PAGES)
                .execute(Tuple.of(jobId, offset, limit, maxBytes))
                .map(rows -> {
                    List<PageRecord> pages = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        String[] links = row.getArrayOfStrings(11);
                        pages.add(new PageRecord(
                                row.getString(0),
                                row.getString(1),
                                row.getInteger(2),
                                row.getString(3),
                                row.getInteger(4),
                                row.getString(5),
                                row.getString(6),
                                map(row.getValue(7)),
                                row.getString(8),
                                row.getString(9),
                                row.getString(10),
                                links == null ? null : Arrays.asList(links),
                                map(row.getValue(12)),
                                map(row.getValue(13)),
                                row.getString(14),
                                mainContent(row.getValue(15))));
                    }
                    return pages;
                });
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        Iterator<Row> it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    /** The {@code main} column ({@code {"text": ..., "markdown": ...}}); null stays null. */
    private static MainContent mainContent(Object json) {
        return json instanceof JsonObject object
                ? new MainContent(object.getString("text", ""), object.getString("markdown", ""))
                : null;
    }

    /** A jsonb object column as the nested maps and lists Jackson writes back unchanged; null stays null. */
    private static Map<String, Object> map(Object json) {
        return json instanceof JsonObject object ? object.getMap() : null;
    }

    private static List<String> strings(Object json) {
        if (!(json instanceof JsonArray array)) {
            return List.of();
        }
        List<String> strings = new ArrayList<>(array.size());
        for (Object item : array) {
            strings.add(String.valueOf(item));
        }
        return strings;
    }
}
