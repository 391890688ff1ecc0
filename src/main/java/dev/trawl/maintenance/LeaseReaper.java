package dev.trawl.maintenance;

import dev.trawl.job.JobStore;
import dev.trawl.job.JobTransitions;
import dev.trawl.job.ReapedJob;
import dev.trawl.job.Transition;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Gives back running jobs whose worker died: a lease expired more than a grace ago means nobody
 * renews it. The claim alone would take such a job over, but only if its stream entry still
 * exists; here the job is requeued in PostgreSQL and XADDed again, so it runs even when the entry
 * is gone. Losing a worker does not spend one of the job's attempts; a job whose workers were
 * lost {@code trawl.retry.max-takeovers} times fails instead, so a job that kills its worker
 * cannot loop.
 */
@ApplicationScoped
public class LeaseReaper {

    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);
    private static final Map<String, Object> LEASE_EXPIRED = Map.of(
            "code",
            "lease-expired",
            "transient",
            true,
            "message",
            "The workers running the job stopped renewing its lease too many times (trawl.retry.max-takeovers)");

    private final JobStore store;
    private final JobTransitions transitions;
    private final RecoveryConfig config;
    private final RolesConfig roles;
    private final PeriodicTask<Integer> task;

    public LeaseReaper(
            JobStore store,
            JobTransitions transitions,
            RecoveryConfig config,
            RolesConfig roles,
            Vertx vertx,
            MeterRegistry registry) {
        this.store = store;
        this.transitions = transitions;
        this.config = config;
        this.roles = roles;
        this.task = new PeriodicTask<>(
                vertx, registry, "lease-reaper", "Reaping expired leases", this::reap, Integer::longValue);
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            // a worker starting after a crash finds its predecessors' stale leases at once
            task.runOnce();
            task.start(config.reaperInterval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        task.stop();
    }

    /** One pass; the item is how many jobs it ended or requeued. */
    public Uni<Integer> reap() {
        return store.reapExpired(config.leaseGrace(), config.batchSize(), LEASE_EXPIRED)
                .chain(this::announce);
    }

    private Uni<Integer> announce(List<ReapedJob> reaped) {
        if (reaped.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        LOG.infof("Reaped %d jobs whose lease expired", reaped.size());
        List<Transition> announced = reaped.stream()
                .flatMap(job -> Transition.leaseEnded(job, "lease-expired", LEASE_EXPIRED).stream())
                .toList();
        return transitions.announce(announced).replaceWith(reaped.size());
    }
}
