package dev.trawl.job;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Lists and counts jobs for the console and {@code GET /v1/jobs}. Paging is a keyset on the job
 * id, which is time-ordered (UUIDv7): a page is the jobs with an id below the last one seen,
 * newest first, so a page costs the same however deep it is and a job submitted meanwhile never
 * shifts the pages that follow. Every filter is a parameter that may be null, so each query is one
 * prepared statement.
 */
@ApplicationScoped
public class JobListing {

    private static final String WHERE = " " + """
             WHERE ($1::text IS NULL OR owner = $1)
               AND ($2::text IS NULL OR state = $2)
               AND ($3::text IS NULL OR priority = $3)
               AND ($4::timestamptz IS NULL OR created_at >= $4)
               AND ($5::timestamptz IS NULL OR created_at < $5)
               AND ($6::uuid IS NULL OR id < $6)""";

    private static final String PAGE = """
            SELECT id, state, priority, request ->> 'url', attempt, created_at, finished_at, page_count,
                   error ->> 'code'
              FROM jobs""" + WHERE + " ORDER BY id DESC LIMIT $7";

    /** Jobs a cancel can still act on: those in a state that is not terminal. */
    private static final String LIVE_IDS = "SELECT id FROM jobs" + WHERE + " AND state IN ("
            + Arrays.stream(JobState.values())
                    .filter(state -> !state.terminal())
                    .map(state -> "'" + state.wireName() + "'")
                    .collect(Collectors.joining(", "))
            + ") ORDER BY id DESC LIMIT $7";

    private static final String COUNTS =
            "SELECT state, count(*) FROM jobs WHERE ($1::text IS NULL OR owner = $1)" + " GROUP BY state";

    /**
     * Jobs that ended in the last minute and the last hour, by outcome; read through the index of
     * ended jobs on the same expression, so it touches only the last hour's rows.
     */
    private static final String FINISHED = """
            SELECT state,
                   count(*) FILTER (WHERE coalesce(finished_at, updated_at) > now() - interval '1 minute'),
                   count(*)
              FROM jobs
             WHERE coalesce(finished_at, updated_at) > now() - interval '1 hour'
               AND state IN ('succeeded', 'failed', 'cancelled', 'aborted', 'duplicate')
               AND ($1::text IS NULL OR owner = $1)
             GROUP BY state""";

    private final Pool pool;

    public JobListing(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} jobs that match, newest first. */
    public Uni<List<ListedJob>> page(JobFilter filter, int limit) {
        return pool.preparedQuery(PAGE).execute(params(filter, limit)).map(rows -> {
            List<ListedJob> jobs = new ArrayList<>(rows.size());
            for (Row row : rows) {
                jobs.add(new ListedJob(
                        row.getUUID(0),
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getInteger(4),
                        row.getOffsetDateTime(5),
                        row.getOffsetDateTime(6),
                        row.getInteger(7),
                        row.getString(8)));
            }
            return jobs;
        });
    }

    /** The ids of up to {@code limit} unfinished jobs that match, newest first. */
    public Uni<List<UUID>> liveIds(JobFilter filter, int limit) {
        return pool.preparedQuery(LIVE_IDS).execute(params(filter, limit)).map(rows -> {
            List<UUID> ids = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ids.add(row.getUUID(0));
            }
            return ids;
        });
    }

    /** How many jobs are in each state: every state is present, 0 where there is none. */
    public Uni<Map<JobState, Long>> countsByState(String ownerOrNull) {
        return pool.preparedQuery(COUNTS).execute(Tuple.of(ownerOrNull)).map(rows -> {
            Map<JobState, Long> counts = new EnumMap<>(JobState.class);
            for (JobState state : JobState.values()) {
                counts.put(state, 0L);
            }
            for (Row row : rows) {
                counts.put(JobState.fromWire(row.getString(0)), row.getLong(1));
            }
            return counts;
        });
    }

    /** The jobs that ended recently, by final state. */
    public Uni<Throughput> finished(String ownerOrNull) {
        return pool.preparedQuery(FINISHED).execute(Tuple.of(ownerOrNull)).map(rows -> {
            Map<JobState, Long> minute = new EnumMap<>(JobState.class);
            Map<JobState, Long> hour = new EnumMap<>(JobState.class);
            for (Row row : rows) {
                JobState state = JobState.fromWire(row.getString(0));
                minute.put(state, row.getLong(1));
                hour.put(state, row.getLong(2));
            }
            return new Throughput(minute, hour);
        });
    }

    /** Jobs ended in the last minute and the last hour, by final state (absent: none). */
    public record Throughput(Map<JobState, Long> lastMinute, Map<JobState, Long> lastHour) {}

    private static Tuple params(JobFilter filter, int limit) {
        return Tuple.tuple()
                .addValue(filter.owner().orElse(null))
                .addValue(filter.state().map(JobState::wireName).orElse(null))
                .addValue(filter.priority().map(Priority::wireName).orElse(null))
                .addValue(filter.since().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null))
                .addValue(filter.until().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null))
                .addValue(filter.before().orElse(null))
                .addValue(limit);
    }
}
