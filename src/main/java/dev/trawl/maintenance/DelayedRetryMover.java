package dev.trawl.maintenance;

import dev.trawl.job.DelayedJobs;
import dev.trawl.job.JobQueue;
import dev.trawl.job.JobStore;
import dev.trawl.job.RetryConfig;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Moves due retries from the delayed set back to the queue: the ids are taken out atomically (so
 * two workers never move one job), each job goes {@code retrying → queued} in PostgreSQL and is
 * then XADDed. A job whose UPDATE could not run is put back in the set for the next poll.
 */
@ApplicationScoped
public class DelayedRetryMover {

    private static final Logger LOG = Logger.getLogger(DelayedRetryMover.class);

    private final DelayedJobs delayed;
    private final JobStore store;
    private final JobQueue queue;
    private final RetryConfig config;
    private final RolesConfig roles;
    private final PeriodicTask<Integer> task;

    public DelayedRetryMover(
            DelayedJobs delayed,
            JobStore store,
            JobQueue queue,
            RetryConfig config,
            RolesConfig roles,
            Vertx vertx,
            MeterRegistry registry) {
        this.delayed = delayed;
        this.store = store;
        this.queue = queue;
        this.config = config;
        this.roles = roles;
        this.task = new PeriodicTask<>(
                vertx, registry, "retry-mover", "Moving due retries", this::moveDue, Integer::longValue);
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            task.start(config.pollInterval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        task.stop();
    }

    /** One poll; the item is how many jobs went back to the queue. */
    public Uni<Integer> moveDue() {
        return delayed.takeDue(Instant.now(), config.moveBatchSize()).chain(this::requeue);
    }

    private Uni<Integer> requeue(List<UUID> due) {
        if (due.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Integer>> moves = due.stream().map(this::requeue).toList();
        return Uni.join()
                .all(moves)
                .andCollectFailures()
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    private Uni<Integer> requeue(UUID id) {
        return store.requeueRetry(id)
                .onFailure()
                .call(failure -> {
                    LOG.warnf(
                            "Retry of job %s could not be queued, keeping it for the next poll: %s",
                            id, failure.getMessage());
                    return delayed.schedule(id, Instant.now().plus(config.pollInterval()));
                })
                .chain(priority -> priority.isEmpty()
                        ? Uni.createFrom().item(0) // cancelled meanwhile, or already moved
                        : queue.enqueue(id, priority.get()).replaceWith(1));
    }
}
