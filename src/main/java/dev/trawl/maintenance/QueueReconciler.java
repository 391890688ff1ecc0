package dev.trawl.maintenance;

import dev.trawl.job.DelayedJobs;
import dev.trawl.job.JobQueue;
import dev.trawl.job.JobStore;
import dev.trawl.redis.RedisKeys;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
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
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Rebuilds the queues from PostgreSQL when Redis lost them. Redis holds an epoch marker; the
 * first worker to find it missing (at startup, or on a later check, after a flush or a restart
 * without persistence) sets it again with SET NX, so exactly one worker rebuilds: it XADDs every
 * {@code queued} job and puts every {@code retrying} one back in the delayed set at its due time.
 * A job that still had its entry gets a second one; the claim runs it once all the same.
 */
@ApplicationScoped
public class QueueReconciler {

    private static final Logger LOG = Logger.getLogger(QueueReconciler.class);
    private static final UUID FIRST = new UUID(0, 0);

    /** What one rebuild did and how long it took. */
    public record Rebuild(int requeued, int rescheduled, Duration took) {
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final JobStore store;
    private final JobQueue queue;
    private final DelayedJobs delayed;
    private final RecoveryConfig config;
    private final RolesConfig roles;
    private final PeriodicTask task;
    private volatile Rebuild lastRebuild;

    public QueueReconciler(Redis redis, RedisKeys keys, JobStore store, JobQueue queue, DelayedJobs delayed,
            RecoveryConfig config, RolesConfig roles, Vertx vertx) {
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
                .chain(missing -> missing ? rebuild().replaceWith(true) : Uni.createFrom().item(false));
    }

    private Uni<Rebuild> rebuild() {
        long start = System.nanoTime();
        LOG.warn("The Redis epoch marker is missing (first start, or Redis lost its data): rebuilding the queues"
                + " from PostgreSQL");
        return requeueFrom(FIRST, 0)
                .chain(requeued -> rescheduleFrom(FIRST, 0).map(rescheduled ->
                        new Rebuild(requeued, rescheduled, Duration.ofNanos(System.nanoTime() - start))))
                .invoke(done -> {
                    lastRebuild = done;
                    LOG.infof("Queues rebuilt: %d queued jobs requeued and %d retries rescheduled in %d ms",
                            done.requeued(), done.rescheduled(), done.took().toMillis());
                })
                // the next check must try again, so the marker goes with a failed rebuild
                .onFailure().call(() -> redis.send(Request.cmd(Command.DEL).arg(keys.epoch())));
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
