package dev.trawl.worker;

import dev.trawl.job.JobStore;
import dev.trawl.job.JobTransitions;
import dev.trawl.job.ReapedJob;
import dev.trawl.job.Transition;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The worker's part of a graceful shutdown: stop taking entries (readiness goes DOWN with it),
 * let the jobs in hand finish for up to the grace, then checkpoint the crawls still running and
 * hand back the leases of every job still running, so another worker takes them at once (a crawl
 * resuming from where it stood) instead of after the lease runs out. Entries
 * read but not yet started stay pending on this consumer and are taken over by XAUTOCLAIM.
 */
@ApplicationScoped
public class WorkerDrain {

    private static final Logger LOG = Logger.getLogger(WorkerDrain.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final JobWorker worker;
    private final JobStore store;
    private final JobTransitions transitions;
    private final WorkerIdentity identity;
    private final WorkerConfig config;
    private final RolesConfig roles;
    private final ActiveCrawls activeCrawls;

    public WorkerDrain(
            JobWorker worker,
            JobStore store,
            JobTransitions transitions,
            WorkerIdentity identity,
            WorkerConfig config,
            RolesConfig roles,
            ActiveCrawls activeCrawls) {
        this.activeCrawls = activeCrawls;
        this.worker = worker;
        this.store = store;
        this.transitions = transitions;
        this.identity = identity;
        this.config = config;
        this.roles = roles;
    }

    // Before JobWorker.stop (default priority) cancels the subscription, which would abandon the jobs in hand.
    void onShutdown(@Observes @Priority(10) ShutdownEvent event) {
        if (!roles.runs(Role.WORKER)) {
            return;
        }
        Duration grace = config.shutdownGrace();
        LOG.infof("Shutting down: taking no new jobs, waiting up to %s for %d in hand", grace, worker.jobsInHand());
        try {
            drain(grace).await().atMost(grace.plusSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Handing back leases on shutdown failed; they run out and the reaper requeues the jobs: %s",
                    e.getMessage());
        }
    }

    /** Stops intake, waits for the jobs in hand up to {@code grace}; the item is the jobs handed back. */
    public Uni<List<ReapedJob>> drain(Duration grace) {
        worker.stopTaking();
        return jobsInHandDone(grace).chain(done -> done ? Uni.createFrom().item(List.<ReapedJob>of()) : handBack());
    }

    /** Takes jobs again after a drain that did not end the process. */
    public void resume() {
        worker.resumeTaking();
    }

    private Uni<Boolean> jobsInHandDone(Duration grace) {
        if (worker.jobsInHand() == 0) {
            return Uni.createFrom().item(true);
        }
        return Multi.createFrom()
                .ticks()
                .every(POLL)
                .filter(tick -> worker.jobsInHand() == 0)
                .toUni()
                .replaceWith(true)
                .ifNoItem()
                .after(grace)
                .recoverWithItem(false);
    }

    private Uni<List<ReapedJob>> handBack() {
        return activeCrawls
                .checkpointAll()
                .invoke(saved -> LOG.infof("Grace over: checkpointed %d crawls", saved))
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "Checkpointing the crawls in hand failed; they resume from their stored pages: %s",
                            failure.getMessage());
                    return 0;
                })
                .chain(() -> store.releaseLeases(identity.name()))
                // the entry in hand may still be acknowledged when its run ends refused, so the job gets a new one
                .call(released -> {
                    LOG.infof("Grace over: handed back %d jobs still running", released.size());
                    return transitions.announce(released.stream()
                            .flatMap(job -> Transition.leaseEnded(job, "worker-shutdown", Map.of()).stream())
                            .toList());
                });
    }
}
