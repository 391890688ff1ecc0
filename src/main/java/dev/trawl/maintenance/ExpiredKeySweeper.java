package dev.trawl.maintenance;

import dev.trawl.job.IdempotencyKeys;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Deletes Idempotency-Keys past their time. An expired key already answers as unknown; this only
 * keeps the table from growing with every key a client ever sent. Batches, so one pass never holds
 * many rows locked.
 */
@ApplicationScoped
public class ExpiredKeySweeper {

    private static final Logger LOG = Logger.getLogger(ExpiredKeySweeper.class);

    private final IdempotencyKeys keys;
    private final RecoveryConfig config;
    private final RolesConfig roles;
    private final PeriodicTask<Integer> task;

    public ExpiredKeySweeper(
            IdempotencyKeys keys, RecoveryConfig config, RolesConfig roles, Vertx vertx, MeterRegistry registry) {
        this.keys = keys;
        this.config = config;
        this.roles = roles;
        this.task = new PeriodicTask<>(
                vertx, registry, "key-sweeper", "Deleting expired Idempotency-Keys", this::sweep, Integer::longValue);
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            task.start(config.keySweepInterval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        task.stop();
    }

    /** One pass; the item is how many keys it deleted. */
    public Uni<Integer> sweep() {
        return sweepFrom(0).invoke(deleted -> {
            if (deleted > 0) {
                LOG.debugf("Deleted %d expired Idempotency-Keys", deleted);
            }
        });
    }

    private Uni<Integer> sweepFrom(int done) {
        return keys.deleteExpired(config.batchSize())
                .chain(deleted -> deleted < config.batchSize()
                        ? Uni.createFrom().item(done + deleted)
                        : sweepFrom(done + deleted));
    }
}
