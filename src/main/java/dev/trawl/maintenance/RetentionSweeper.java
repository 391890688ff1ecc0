package dev.trawl.maintenance;

import dev.trawl.job.DeadLetters;
import dev.trawl.job.ExpiredJobs;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Deletes what ended jobs leave behind once it is past its retention ({@code trawl.retention.*}):
 * the jobs with their pages, op-ledger entries, job keys and Idempotency-Keys; crawl checkpoints
 * sooner; and the dead-letter stream beyond its cap or its jobs' age. Each statement deletes a
 * bounded batch and a pass repeats it until a batch comes back short. Every worker runs it; the
 * statements skip rows another pod's sweep holds and the trims are idempotent, so concurrent
 * passes share the work. {@code trawl_retention_removed_total{kind}} counts what went.
 */
@ApplicationScoped
public class RetentionSweeper {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);

    /** What one pass removed. */
    public record Swept(
            long jobs,
            long pages,
            long ledgerEntries,
            long jobKeys,
            long checkpoints,
            long idempotencyKeys,
            long deadLetters) {

        static final Swept NOTHING = new Swept(0, 0, 0, 0, 0, 0, 0);

        Swept plus(Swept other) {
            return new Swept(
                    jobs + other.jobs,
                    pages + other.pages,
                    ledgerEntries + other.ledgerEntries,
                    jobKeys + other.jobKeys,
                    checkpoints + other.checkpoints,
                    idempotencyKeys + other.idempotencyKeys,
                    deadLetters + other.deadLetters);
        }

        boolean any() {
            return total() > 0;
        }

        long total() {
            return jobs + pages + ledgerEntries + jobKeys + checkpoints + idempotencyKeys + deadLetters;
        }
    }

    private final ExpiredJobs expired;
    private final DeadLetters deadLetters;
    private final RetentionConfig config;
    private final RolesConfig roles;
    private final PeriodicTask<Swept> task;
    private final Counter jobsRemoved;
    private final Counter pagesRemoved;
    private final Counter ledgerRemoved;
    private final Counter jobKeysRemoved;
    private final Counter checkpointsRemoved;
    private final Counter idempotencyKeysRemoved;
    private final Counter deadLettersRemoved;

    public RetentionSweeper(
            ExpiredJobs expired,
            DeadLetters deadLetters,
            RetentionConfig config,
            RolesConfig roles,
            Vertx vertx,
            MeterRegistry registry) {
        this.expired = expired;
        this.deadLetters = deadLetters;
        this.config = config;
        this.roles = roles;
        this.task = new PeriodicTask<>(
                vertx, registry, "retention-sweeper", "Deleting what is past its retention", this::sweep, Swept::total);
        this.jobsRemoved = removed(registry, "jobs");
        this.pagesRemoved = removed(registry, "pages");
        this.ledgerRemoved = removed(registry, "ledger-entries");
        this.jobKeysRemoved = removed(registry, "job-keys");
        this.checkpointsRemoved = removed(registry, "checkpoints");
        this.idempotencyKeysRemoved = removed(registry, "idempotency-keys");
        this.deadLettersRemoved = removed(registry, "dead-letters");
    }

    private static Counter removed(MeterRegistry registry, String kind) {
        return Counter.builder("trawl.retention.removed")
                .tag("kind", kind)
                .description("Rows and entries deleted by the retention sweeper")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            task.start(config.interval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        task.stop();
    }

    /** One pass; the item is what it removed. */
    public Uni<Swept> sweep() {
        int batch = config.batchSize();
        Uni<Swept> pages = repeat(() -> expired.deletePages(config.results(), batch)
                .map(n -> new Step(new Swept(0, n, 0, 0, 0, 0, 0), n == batch)));
        Uni<Swept> jobs = repeat(() -> expired.deleteJobs(config.results(), batch)
                .map(r -> new Step(
                        new Swept(
                                r.jobs(),
                                r.pages(),
                                r.ledgerEntries(),
                                r.jobKeys(),
                                r.checkpoints(),
                                r.idempotencyKeys(),
                                0),
                        r.jobs() == batch)));
        Uni<Swept> checkpoints = repeat(() -> expired.deleteCheckpoints(config.checkpoints(), batch)
                .map(n -> new Step(new Swept(0, 0, 0, 0, n, 0, 0), n == batch)));
        Uni<Swept> letters = deadLetters
                .trim(config.deadLetters(), Instant.now().minus(config.results()))
                .map(n -> new Swept(0, 0, 0, 0, 0, 0, n));
        return pages.chain(a -> jobs.map(a::plus))
                .chain(a -> checkpoints.map(a::plus))
                .chain(a -> letters.map(a::plus))
                .invoke(this::count);
    }

    private record Step(Swept removed, boolean more) {}

    /** Runs the batch until one comes back short, adding up what each removed. */
    private static Uni<Swept> repeat(Supplier<Uni<Step>> batch) {
        return repeatFrom(batch, Swept.NOTHING);
    }

    private static Uni<Swept> repeatFrom(Supplier<Uni<Step>> batch, Swept done) {
        return batch.get()
                .chain(step -> step.more()
                        ? repeatFrom(batch, done.plus(step.removed()))
                        : Uni.createFrom().item(done.plus(step.removed())));
    }

    private void count(Swept swept) {
        if (!swept.any()) {
            return;
        }
        jobsRemoved.increment(swept.jobs());
        pagesRemoved.increment(swept.pages());
        ledgerRemoved.increment(swept.ledgerEntries());
        jobKeysRemoved.increment(swept.jobKeys());
        checkpointsRemoved.increment(swept.checkpoints());
        idempotencyKeysRemoved.increment(swept.idempotencyKeys());
        deadLettersRemoved.increment(swept.deadLetters());
        LOG.infof(
                "Retention: removed %d jobs, %d pages, %d op-ledger entries, %d job keys, %d checkpoints, "
                        + "%d Idempotency-Keys and %d dead letters",
                swept.jobs(),
                swept.pages(),
                swept.ledgerEntries(),
                swept.jobKeys(),
                swept.checkpoints(),
                swept.idempotencyKeys(),
                swept.deadLetters());
    }
}
