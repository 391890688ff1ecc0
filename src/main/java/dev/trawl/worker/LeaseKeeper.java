package dev.trawl.worker;

import dev.trawl.job.ClaimedJob;
import dev.trawl.job.JobStore;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps the leases of every job this worker runs: every third of the lease, one statement renews
 * them all, so a live worker's jobs are never taken over and no job needs a timer of its own. A
 * renewal refused for a job means it is no longer this worker's (another took it over after a
 * pause longer than the lease); its later writes are refused by the same owner-and-attempt guard,
 * so nothing more is done here than to stop renewing it.
 */
@ApplicationScoped
public class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final JobStore store;
    private final WorkerIdentity identity;
    private final WorkerConfig config;
    private final RolesConfig roles;
    private final Vertx vertx;
    private final Map<UUID, ClaimedJob> held = new ConcurrentHashMap<>();
    private volatile long timer = -1;

    public LeaseKeeper(JobStore store, WorkerIdentity identity, WorkerConfig config, RolesConfig roles, Vertx vertx) {
        this.store = store;
        this.identity = identity;
        this.config = config;
        this.roles = roles;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            timer = vertx.setPeriodic(Math.max(1, config.lease().toMillis() / 3), tick -> renewAll());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Keeps the job's lease until the returned action runs. */
    public Runnable hold(ClaimedJob job) {
        held.put(job.id(), job);
        return () -> held.remove(job.id(), job);
    }

    /** Renews every lease held now, in one statement. */
    void renewAll() {
        List<ClaimedJob> jobs = new ArrayList<>(held.values());
        if (jobs.isEmpty()) {
            return;
        }
        Duration lease = config.lease();
        store.renew(identity.name(), jobs, lease)
                .subscribe()
                .with(
                        kept -> jobs.forEach(job -> {
                            // usually a job that ended meanwhile; a worker that really lost a lease hears it at its
                            // next write
                            if (!kept.contains(job.id()) && held.remove(job.id(), job)) {
                                LOG.debugf(
                                        "Job %s: attempt %d of %s holds its lease no more",
                                        job.id(), job.attempt(), job.owner());
                            }
                        }),
                        failure -> LOG.warnf(
                                "Renewing %d leases failed, will try again: %s", jobs.size(), failure.getMessage()));
    }
}
