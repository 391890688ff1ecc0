package dev.trawl.maintenance;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventType;
import dev.trawl.job.DeadLetters;
import dev.trawl.job.DelayedJobs;
import dev.trawl.job.JobQueue;
import dev.trawl.job.JobStore;
import dev.trawl.job.Priority;
import dev.trawl.job.QueueBacklog;
import dev.trawl.redis.RedisKeys;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Rebuilds the queues from PostgreSQL when Redis lost them. Redis holds an epoch marker; the
 * first worker to find it missing (at startup, or on a later check, after a flush or a restart
 * without persistence) sets it again with SET NX, so exactly one worker rebuilds: it XADDs every
 * {@code queued} job, puts every {@code retrying} one back in the delayed set at its due time and,
 * if the dead-letter list is gone too, every {@code failed} job back on it.
 * A job that still had its entry gets a second one; the claim runs it once all the same.
 *
 * <p>A check that finds the marker in place sweeps for jobs lost one at a time, with Redis
 * intact: an XADD that never happened after the INSERT or UPDATE that queued a job (the process
 * died in between, the stream was trimmed past it), or a retry whose ZADD was lost. A queued job counts as stranded once the
 * worker group has read every entry of its stream, or entries added {@code stranded-after} later
 * than the job was queued, and it is still queued {@code stranded-after} on; a retry once it is
 * overdue by that much. Each gets a {@code queued} event ({@code reason: stranded}) and a new entry.
 */
@ApplicationScoped
public class QueueReconciler {

    private static final Logger LOG = Logger.getLogger(QueueReconciler.class);
    private static final UUID FIRST = new UUID(0, 0);
    private static final int REQUEUE_CONCURRENCY = 16;

    /** What one rebuild did and how long it took. */
    public record Rebuild(int requeued, int rescheduled, int deadLettersRestored, Duration took) {
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final JobStore store;
    private final JobQueue queue;
    private final DelayedJobs delayed;
    private final RecoveryConfig config;
    private final RolesConfig roles;
    private final PeriodicTask task;
    private final QueueBacklog backlog;
    private final EventLog events;
    private final DeadLetters deadLetters;
    private volatile Rebuild lastRebuild;

    public QueueReconciler(Redis redis, RedisKeys keys, JobStore store, JobQueue queue, DelayedJobs delayed,
            RecoveryConfig config, RolesConfig roles, Vertx vertx, QueueBacklog backlog, EventLog events,
            DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.backlog = backlog;
        this.events = events;
        this.redis = redis;
        this.keys = keys;
        this.store = store;
        this.queue = queue;
        this.delayed = delayed;
        this.config = config;
        this.roles = roles;
        this.task = new PeriodicTask(vertx, "Checking that Redis kept the queues", this::check);
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            task.runOnce();
            task.start(config.reconcileInterval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        task.stop();
    }

    /** The last rebuild this process made, if any. */
    public Optional<Rebuild> lastRebuild() {
        return Optional.ofNullable(lastRebuild);
    }

    /** One check; the item says whether this worker found the marker missing and rebuilt. */
    public Uni<Boolean> check() {
        String epoch = UUID.randomUUID().toString();
        return redis.send(Request.cmd(Command.SET).arg(keys.epoch()).arg(epoch).arg("NX"))
                .map(reply -> reply != null && "OK".equals(reply.toString()))
                .chain(missing -> missing ? rebuild().replaceWith(true) : sweepStranded().replaceWith(false));
    }

    /** Re-enqueues the jobs this sweep finds stranded; the item is how many. */
    public Uni<Integer> sweepStranded() {
        Duration age = config.strandedAfter();
        Uni<List<Map.Entry<UUID, Priority>>> overdue = store.requeueOverdueRetries(age, config.batchSize());
        List<Uni<List<Map.Entry<UUID, Priority>>>> sweeps = new ArrayList<>(List.of(overdue));
        for (Priority priority : Priority.values()) {
            sweeps.add(backlog.progress(priority).chain(progress -> progress.isEmpty() ? Uni.createFrom().item(List.of())
                    : store.touchStrandedQueued(priority, progress.get().caughtUp() ? null
                                    : Instant.ofEpochMilli(progress.get().lastDeliveredMillis()), age, config.batchSize())
                            .map(ids -> ids.stream().map(id -> Map.entry(id, priority)).toList())));
        }
        return Uni.join().all(sweeps).andCollectFailures()
                .map(found -> found.stream().flatMap(List::stream).toList())
                // a few at a time: a large pass must not flood the Redis pool's wait queue
                .call(stranded -> Multi.createFrom().iterable(stranded)
                        .onItem().transformToUni(job -> requeue(job.getKey(), job.getValue())).merge(REQUEUE_CONCURRENCY)
                        .collect().last())
                .invoke(stranded -> {
                    if (!stranded.isEmpty()) {
                        LOG.warnf("Re-enqueued %d jobs the queue had lost, among them %s", stranded.size(),
                                stranded.stream().limit(10).map(job -> job.getKey().toString()).toList());
                    }
                })
                .map(List::size);
    }

    /** One failure does not stop the others; the job's clock was restarted, so a later sweep tries it again. */
    private Uni<Void> requeue(UUID id, Priority priority) {
        return events.append(id, EventType.QUEUED, Map.of("reason", "stranded"))
                .chain(() -> queue.enqueue(id, priority))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Re-enqueueing stranded job %s failed; a later sweep tries again: %s", id,
                            failure.getMessage());
                    return null;
                });
    }

    private Uni<Rebuild> rebuild() {
        long start = System.nanoTime();
        LOG.warn("The Redis epoch marker is missing (first start, or Redis lost its data): rebuilding the queues"
                + " from PostgreSQL");
        return requeueFrom(FIRST, 0)
                .chain(requeued -> rescheduleFrom(FIRST, 0)
                        .chain(rescheduled -> restoreDeadLetters().map(restored -> new Rebuild(requeued, rescheduled,
                                restored, Duration.ofNanos(System.nanoTime() - start)))))
                .invoke(done -> {
                    lastRebuild = done;
                    LOG.infof("Queues rebuilt: %d queued jobs requeued and %d retries rescheduled in %d ms"
                                    + " (%d dead letters restored)", done.requeued(), done.rescheduled(),
                            done.took().toMillis(), done.deadLettersRestored());
                })
                // the next check must try again, so the marker goes with a failed rebuild
                .onFailure().call(() -> redis.send(Request.cmd(Command.DEL).arg(keys.epoch())));
    }

    /**
     * The dead-letter list lives in Redis only: when it is gone too, every job still {@code failed}
     * in PostgreSQL goes back on it (in job order, each with the time it failed). A list that is
     * still there (only the marker was lost) is left as it is.
     */
    private Uni<Integer> restoreDeadLetters() {
        return redis.send(Request.cmd(Command.EXISTS).arg(keys.deadLetters()))
                .chain(exists -> exists.toLong() > 0 ? Uni.createFrom().item(0) : restoreDeadLettersFrom(FIRST, 0));
    }

    private Uni<Integer> restoreDeadLettersFrom(UUID after, int done) {
        return store.failedAfter(after, config.batchSize()).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().item(done);
            }
            return Multi.createFrom().iterable(batch)
                    .onItem().transformToUni(letter -> deadLetters.record(letter.jobId(), letter.url(),
                            letter.errorCode(), letter.attempts(), letter.at()))
                    .merge(REQUEUE_CONCURRENCY).collect().last()
                    .chain(() -> batch.size() < config.batchSize()
                            ? Uni.createFrom().item(done + batch.size())
                            : restoreDeadLettersFrom(batch.get(batch.size() - 1).jobId(), done + batch.size()));
        });
    }

    private Uni<Integer> requeueFrom(UUID after, int done) {
        return store.queuedAfter(after, config.batchSize()).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().item(done);
            }
            return Uni.join().all(batch.stream().map(job -> queue.enqueue(job.getKey(), job.getValue())).toList())
                    .andFailFast()
                    .chain(() -> batch.size() < config.batchSize()
                            ? Uni.createFrom().item(done + batch.size())
                            : requeueFrom(batch.get(batch.size() - 1).getKey(), done + batch.size()));
        });
    }

    private Uni<Integer> rescheduleFrom(UUID after, int done) {
        return store.retryingAfter(after, config.batchSize()).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().item(done);
            }
            return Uni.join().all(batch.stream().map(job -> delayed.schedule(job.getKey(), job.getValue())).toList())
                    .andFailFast()
                    .chain(() -> batch.size() < config.batchSize()
                            ? Uni.createFrom().item(done + batch.size())
                            : rescheduleFrom(batch.get(batch.size() - 1).getKey(), done + batch.size()));
        });
    }
}
