package dev.trawl.maintenance;

import dev.trawl.job.DeadLetter;
import dev.trawl.job.DeadLetters;
import dev.trawl.job.DelayedJobs;
import dev.trawl.job.FairShares;
import dev.trawl.job.JobQueue;
import dev.trawl.job.JobStore;
import dev.trawl.job.JobTransitions;
import dev.trawl.job.Priority;
import dev.trawl.job.QueueBacklog;
import dev.trawl.job.QueuedJob;
import dev.trawl.job.Transition;
import dev.trawl.redis.RedisKeys;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
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
 * overdue by that much. Each gets a {@code queued} event ({@code reason: stranded}) and a new entry,
 * except jobs that wait their caller's turn ({@link FairShares}): they are off the streams on
 * purpose. Every check also gives back, a batch at a time, the fair-share places of jobs that
 * ended while Redis never heard of it.
 */
@ApplicationScoped
public class QueueReconciler {

    private static final Logger LOG = Logger.getLogger(QueueReconciler.class);
    private static final UUID FIRST = new UUID(0, 0);

    /** What one rebuild did and how long it took. */
    public record Rebuild(int requeued, int rescheduled, int deadLettersRestored, Duration took) {}

    private final Redis redis;
    private final RedisKeys keys;
    private final JobStore store;
    private final JobQueue queue;
    private final DelayedJobs delayed;
    private final RecoveryConfig config;
    private final RolesConfig roles;
    private final PeriodicTask<Boolean> task;
    private final QueueBacklog backlog;
    private final JobTransitions transitions;
    private final DeadLetters deadLetters;
    private volatile Rebuild lastRebuild;
    private final FairShares shares;
    private volatile String fairCursor = "0";

    public QueueReconciler(
            Redis redis,
            RedisKeys keys,
            JobStore store,
            JobQueue queue,
            DelayedJobs delayed,
            RecoveryConfig config,
            RolesConfig roles,
            Vertx vertx,
            QueueBacklog backlog,
            JobTransitions transitions,
            DeadLetters deadLetters,
            FairShares shares,
            MeterRegistry registry) {
        this.shares = shares;
        this.deadLetters = deadLetters;
        this.backlog = backlog;
        this.transitions = transitions;
        this.redis = redis;
        this.keys = keys;
        this.store = store;
        this.queue = queue;
        this.delayed = delayed;
        this.config = config;
        this.roles = roles;
        this.task = new PeriodicTask<>(
                vertx,
                registry,
                "queue-reconciler",
                "Checking that Redis kept the queues",
                this::check,
                rebuilt -> rebuilt ? 1 : 0);
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
                .chain(missing ->
                        missing ? rebuild().replaceWith(true) : sweepStranded().replaceWith(false))
                .call(this::releaseEnded);
    }

    /**
     * One step of a walk over the jobs that hold or wait for a fair-share place: those that ended
     * while their release never reached Redis give their places back. The item is how many.
     */
    public Uni<Integer> releaseEnded() {
        return shares.tracked(fairCursor, config.batchSize())
                .chain(step -> {
                    fairCursor = step.cursor();
                    return store.unfinishedAmong(step.jobs())
                            .chain(unfinished -> shares.releaseNow(step.jobs().stream()
                                            .filter(id -> !unfinished.contains(id))
                                            .toList())
                                    .replaceWith(step.jobs().size() - unfinished.size()));
                })
                .invoke(released -> {
                    if (released > 0) {
                        LOG.warnf("Gave back the fair-share places of %d jobs that had ended", released);
                    }
                });
    }

    /** Re-enqueues the jobs this sweep finds stranded; the item is how many. */
    public Uni<Integer> sweepStranded() {
        Duration age = config.strandedAfter();
        Uni<List<Map.Entry<UUID, Priority>>> overdue = store.requeueOverdueRetries(age, config.batchSize());
        List<Uni<List<Map.Entry<UUID, Priority>>>> sweeps = new ArrayList<>(List.of(overdue));
        for (Priority priority : Priority.values()) {
            sweeps.add(backlog.progress(priority)
                    .chain(progress -> progress.isEmpty()
                            ? Uni.createFrom().item(List.of())
                            : store.touchStrandedQueued(
                                            priority,
                                            progress.get().caughtUp()
                                                    ? null
                                                    : Instant.ofEpochMilli(
                                                            progress.get().lastDeliveredMillis()),
                                            age,
                                            config.batchSize())
                                    .map(ids -> ids.stream()
                                            .map(id -> Map.entry(id, priority))
                                            .toList())));
        }
        return Uni.join()
                .all(sweeps)
                .andCollectFailures()
                .map(found -> found.stream().flatMap(List::stream).toList())
                .chain(this::withoutHeld)
                .call(this::requeue)
                .invoke(stranded -> {
                    if (!stranded.isEmpty()) {
                        LOG.warnf(
                                "Re-enqueued %d jobs the queue had lost, among them %s",
                                stranded.size(),
                                stranded.stream()
                                        .limit(10)
                                        .map(job -> job.getKey().toString())
                                        .toList());
                    }
                })
                .map(List::size);
    }

    /** Jobs waiting their caller's turn are off the streams on purpose: they are not stranded. */
    private Uni<List<Map.Entry<UUID, Priority>>> withoutHeld(List<Map.Entry<UUID, Priority>> found) {
        return shares.held(found.stream().map(Map.Entry::getKey).toList())
                .map(held -> found.stream()
                        .filter(job -> !held.contains(job.getKey()))
                        .toList());
    }

    /** A failure is logged: the jobs' clocks were restarted, so a later sweep tries them again. */
    private Uni<Void> requeue(List<Map.Entry<UUID, Priority>> stranded) {
        return transitions
                .announce(stranded.stream()
                        .map(job -> Transition.queued(job.getKey(), job.getValue(), Map.of("reason", "stranded")))
                        .toList())
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "Re-enqueueing %d stranded jobs failed; a later sweep tries again: %s",
                            stranded.size(), failure.getMessage());
                    return null;
                });
    }

    private Uni<Rebuild> rebuild() {
        long start = System.nanoTime();
        LOG.warn("The Redis epoch marker is missing (first start, or Redis lost its data): rebuilding the queues"
                + " from PostgreSQL");
        return requeueAll()
                .chain(requeued -> rescheduleAll()
                        .chain(rescheduled -> restoreDeadLetters()
                                .map(restored -> new Rebuild(
                                        requeued, rescheduled, restored, Duration.ofNanos(System.nanoTime() - start)))))
                .invoke(done -> {
                    lastRebuild = done;
                    LOG.infof(
                            "Queues rebuilt: %d queued jobs requeued and %d retries rescheduled in %d ms"
                                    + " (%d dead letters restored)",
                            done.requeued(), done.rescheduled(), done.took().toMillis(), done.deadLettersRestored());
                })
                // the next check must try again, so the marker goes with a failed rebuild
                .onFailure()
                .call(() -> redis.send(Request.cmd(Command.DEL).arg(keys.epoch())));
    }

    /**
     * The dead-letter list lives in Redis only: every job still {@code failed} in PostgreSQL that
     * the list does not name goes back on it (in job order, each with the time it failed). Letters
     * written between the loss and this rebuild stay, and none is written twice when only the
     * marker was lost.
     */
    private Uni<Integer> restoreDeadLetters() {
        AtomicInteger restored = new AtomicInteger();
        return deadLetters
                .jobIds(config.batchSize())
                .chain(listed -> eachInBatches(FIRST, 0, store::failedAfter, DeadLetter::jobId, batch -> {
                    List<DeadLetter> missing = batch.stream()
                            .filter(letter -> !listed.contains(letter.jobId()))
                            .toList();
                    restored.addAndGet(missing.size());
                    return deadLetters.recordAll(missing);
                }))
                .map(read -> restored.get());
    }

    private Uni<Integer> requeueAll() {
        return eachInBatches(FIRST, 0, store::queuedAfter, QueuedJob::id, queue::enqueueAll);
    }

    private Uni<Integer> rescheduleAll() {
        return eachInBatches(FIRST, 0, store::retryingAfter, DelayedJobs.Due::jobId, delayed::scheduleAll);
    }

    /**
     * Reads PostgreSQL in id-ordered batches after {@code after} and hands each batch to
     * {@code action} (one round trip to Redis); the item is how many rows there were. A failed
     * action fails the whole walk.
     */
    private <T> Uni<Integer> eachInBatches(
            UUID after,
            int done,
            BiFunction<UUID, Integer, Uni<List<T>>> read,
            Function<T, UUID> idOf,
            Function<List<T>, Uni<Void>> action) {
        return read.apply(after, config.batchSize()).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().item(done);
            }
            return action.apply(batch)
                    .chain(() -> batch.size() < config.batchSize()
                            ? Uni.createFrom().item(done + batch.size())
                            : eachInBatches(
                                    idOf.apply(batch.get(batch.size() - 1)), done + batch.size(), read, idOf, action));
        });
    }
}
