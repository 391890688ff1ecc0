package dev.trawl.schedule;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trawl.job.JobKey;
import dev.trawl.job.JobSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code schedules} table, PostgreSQL being their system of record. A tick is fired by one
 * statement that moves the schedule's {@code next_run_at} from the tick read to the following
 * one and inserts the tick's job: of two pods firing the same tick, the second's UPDATE waits for
 * the first's row lock, then finds {@code next_run_at} moved and changes nothing, so each tick
 * submits one job. The unique (schedule_id, schedule_tick) index on jobs makes sure of it.
 */
@ApplicationScoped
public class ScheduleStore {

    private static final ObjectReader SPEC_READER = DatabindCodec.mapper().readerFor(JobSpec.class);
    private static final ObjectWriter SPEC_WRITER = DatabindCodec.mapper().writerFor(JobSpec.class);

    private static final String COLUMNS = "id, owner, owner_tier, name, cron, time_zone, request::text AS request,"
            + " paused, next_run_at, last_tick_at, last_job_id, last_skip, created_at";

    /**
     * A new schedule, unless its owner already has {@code $10} (0: no bound). Two creates racing
     * for an owner's last place may both get in: the bound is a guard against runaway clients, not
     * a quota to the unit.
     */
    private static final String CREATE = """
            INSERT INTO schedules (id, owner, owner_tier, name, cron, time_zone, request, next_run_at)
            SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8
             WHERE $9 <= 0 OR (SELECT count(*) FROM schedules WHERE owner = $2) < $9
            RETURNING %s""".formatted(COLUMNS);

    private static final String FIND = "SELECT %s FROM schedules WHERE id = $1".formatted(COLUMNS);

    private static final String LIST_OWN = """
            SELECT %s FROM schedules WHERE owner = $1 AND id > $2 ORDER BY id LIMIT $3""".formatted(COLUMNS);

    private static final String LIST_ALL = """
            SELECT %s FROM schedules WHERE id > $1 ORDER BY id LIMIT $2""".formatted(COLUMNS);

    private static final String PAUSE = """
            UPDATE schedules SET paused = true, updated_at = now() WHERE id = $1 RETURNING %s""".formatted(COLUMNS);

    /** A resumed schedule starts at its next tick: ticks that fell while it was paused are not run. */
    private static final String RESUME = """
            UPDATE schedules SET paused = false, next_run_at = CASE WHEN paused THEN $2 ELSE next_run_at END,
                   updated_at = now()
             WHERE id = $1 RETURNING %s""".formatted(COLUMNS);

    private static final String DELETE = "DELETE FROM schedules WHERE id = $1 RETURNING id";

    /**
     * Due schedules, with their owner's key as it is now: its tier (a key's tier may have changed
     * since the schedule was made) and whether it was revoked.
     */
    private static final String DUE = """
            SELECT s.id, s.owner, s.owner_tier, s.name, s.cron, s.time_zone, s.request::text AS request, s.paused,
                   s.next_run_at, s.last_tick_at, s.last_job_id, s.last_skip, s.created_at,
                   k.tier AS key_tier, k.revoked_at IS NOT NULL AS key_revoked
              FROM schedules s LEFT JOIN api_keys k ON s.owner = 'key:' || k.id::text
             WHERE NOT s.paused AND s.next_run_at <= now()
             ORDER BY s.next_run_at LIMIT $1""";

    /**
     * Fires one tick: moves {@code next_run_at} from {@code $2} (the value read) to {@code $3} and
     * inserts the job for tick {@code $4}, in one statement. The guard on {@code next_run_at}
     * refuses a pod that fires a tick another already fired, and a schedule paused or deleted
     * meanwhile; ON CONFLICT refuses a second job for the same tick whatever else happened.
     */
    private static final String FIRE = """
            WITH claimed AS (
                UPDATE schedules SET next_run_at = $3, last_tick_at = $4, last_job_id = $5, last_skip = NULL,
                       updated_at = now()
                 WHERE id = $1 AND next_run_at = $2 AND NOT paused
                RETURNING id, owner, request
            ), job AS (
                INSERT INTO jobs (id, state, priority, request, job_key, owner, max_attempts, schedule_id, schedule_tick)
                SELECT $5, 'queued', $6, c.request, $7, c.owner, coalesce((c.request ->> 'maxAttempts')::int, 3),
                       c.id, $4
                  FROM claimed c
                ON CONFLICT (schedule_id, schedule_tick) WHERE schedule_id IS NOT NULL DO NOTHING
                RETURNING id, created_at
            )
            SELECT created_at FROM job""";

    /** A tick that submits no job (the owner's quota is full): the schedule moves on all the same. */
    private static final String SKIP = """
            UPDATE schedules SET next_run_at = $3, last_tick_at = $4, last_skip = $5, updated_at = now()
             WHERE id = $1 AND next_run_at = $2 AND NOT paused
            RETURNING id""";

    /** A schedule whose expression has no tick left is paused where it stands. */
    private static final String EXHAUST = """
            UPDATE schedules SET paused = true, last_skip = $3, updated_at = now()
             WHERE id = $1 AND next_run_at = $2
            RETURNING id""";

    /** A schedule to record. */
    public record NewSchedule(
            UUID id, String owner, String ownerTier, String name, CronSchedule cron, JobSpec job, Instant nextRunAt) {}

    /** A schedule whose tick has come, with the tier its owner has now and whether its key was revoked. */
    public record DueSchedule(Schedule schedule, String ownerTier, boolean ownerRevoked) {}

    /** The job a fired tick inserted. */
    public record FiredTick(UUID jobId, OffsetDateTime createdAt) {}

    private final Pool pool;

    public ScheduleStore(Pool pool) {
        this.pool = pool;
    }

    /** Records the schedule; empty if its owner already has {@code maxPerOwner} (0: no bound). */
    public Uni<Optional<Schedule>> create(NewSchedule schedule, int maxPerOwner) {
        Tuple args = Tuple.tuple()
                .addValue(schedule.id())
                .addValue(schedule.owner())
                .addValue(schedule.ownerTier())
                .addValue(schedule.name())
                .addValue(schedule.cron().expression())
                .addValue(schedule.cron().zone().getId())
                .addValue(new JsonObject(toJson(schedule.job())))
                .addValue(utc(schedule.nextRunAt()))
                .addValue(maxPerOwner);
        return pool.preparedQuery(CREATE).execute(args).map(ScheduleStore::first);
    }

    public Uni<Optional<Schedule>> find(UUID id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(ScheduleStore::first);
    }

    /** The owner's schedules after {@code after} in id (creation) order; everyone's if {@code owner} is null. */
    public Uni<List<Schedule>> list(String owner, UUID after, int limit) {
        Uni<RowSet<Row>> rows = owner == null
                ? pool.preparedQuery(LIST_ALL).execute(Tuple.of(after, limit))
                : pool.preparedQuery(LIST_OWN).execute(Tuple.of(owner, after, limit));
        return rows.map(ScheduleStore::all);
    }

    public Uni<Optional<Schedule>> pause(UUID id) {
        return pool.preparedQuery(PAUSE).execute(Tuple.of(id)).map(ScheduleStore::first);
    }

    /** Resumes a paused schedule at {@code next}, its first tick from now. */
    public Uni<Optional<Schedule>> resume(UUID id, Instant next) {
        return pool.preparedQuery(RESUME).execute(Tuple.of(id, utc(next))).map(ScheduleStore::first);
    }

    /** Whether there was such a schedule. Its jobs stay, ordinary jobs that name it. */
    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
    }

    /** Up to {@code limit} unpaused schedules whose next tick has come, the most overdue first. */
    public Uni<List<DueSchedule>> due(int limit) {
        return pool.preparedQuery(DUE).execute(Tuple.of(limit)).map(rows -> {
            List<DueSchedule> due = new ArrayList<>();
            for (Row row : rows) {
                Schedule schedule = read(row);
                String keyTier = row.getString("key_tier");
                due.add(new DueSchedule(
                        schedule,
                        keyTier == null ? schedule.ownerTier() : keyTier,
                        Boolean.TRUE.equals(row.getBoolean("key_revoked"))));
            }
            return due;
        });
    }

    /**
     * Fires the tick {@code tick} of a schedule read with {@code next_run_at = read}, moving it to
     * {@code next}, and inserts job {@code jobId}; empty if another pod fired it first (or it was
     * paused or deleted meanwhile).
     */
    public Uni<Optional<FiredTick>> fire(Schedule schedule, Instant tick, Instant next, UUID jobId) {
        JobSpec job = schedule.job();
        Tuple args = Tuple.tuple()
                .addValue(schedule.id())
                .addValue(utc(schedule.nextRunAt()))
                .addValue(utc(next))
                .addValue(utc(tick))
                .addValue(jobId)
                .addValue(job.priority().wireName())
                .addValue(JobKey.ownedBy(schedule.owner(), job));
        return pool.preparedQuery(FIRE).execute(args).map(rows -> {
            var it = rows.iterator();
            return it.hasNext()
                    ? Optional.of(new FiredTick(jobId, it.next().getOffsetDateTime("created_at")))
                    : Optional.empty();
        });
    }

    /** Moves past the tick without a job, saying why; false if another pod moved it first. */
    public Uni<Boolean> skip(Schedule schedule, Instant tick, Instant next, String reason) {
        Tuple args = Tuple.of(schedule.id(), utc(schedule.nextRunAt()), utc(next), utc(tick), reason);
        return pool.preparedQuery(SKIP).execute(args).map(rows -> rows.size() > 0);
    }

    /** Pauses a schedule whose expression has no tick left. */
    public Uni<Boolean> exhaust(Schedule schedule, String reason) {
        return pool.preparedQuery(EXHAUST)
                .execute(Tuple.of(schedule.id(), utc(schedule.nextRunAt()), reason))
                .map(rows -> rows.size() > 0);
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }

    private static Optional<Schedule> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(read(it.next())) : Optional.empty();
    }

    private static List<Schedule> all(RowSet<Row> rows) {
        List<Schedule> schedules = new ArrayList<>();
        rows.forEach(row -> schedules.add(read(row)));
        return schedules;
    }

    private static Schedule read(Row row) {
        return new Schedule(
                row.getUUID("id"),
                row.getString("owner"),
                row.getString("owner_tier"),
                row.getString("name"),
                row.getString("cron"),
                row.getString("time_zone"),
                fromJson(row.getString("request")),
                row.getBoolean("paused"),
                instant(row, "next_run_at"),
                instant(row, "last_tick_at"),
                row.getUUID("last_job_id"),
                row.getString("last_skip"),
                instant(row, "created_at"));
    }

    private static String toJson(JobSpec spec) {
        try {
            return SPEC_WRITER.writeValueAsString(spec);
        } catch (IOException e) {
            throw new UncheckedIOException("A job spec could not be written as JSON", e);
        }
    }

    private static JobSpec fromJson(String json) {
        try {
            return SPEC_READER.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException("A stored schedule's job could not be read as a job spec", e);
        }
    }
}
