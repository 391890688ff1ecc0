package dev.trawl.worker;

import dev.trawl.job.JobIds;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import dev.trawl.scrape.MemoryPressure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.DemandPauser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes the {@code jobs} channel when this process has the worker role, running up to
 * {@code trawl.worker.concurrency} jobs at once. The merge requests a new entry only when a job
 * ends, so the queue's back-pressure is the worker's own pace.
 *
 * <p>While the heap is above {@code trawl.worker.pause-heap-threshold} no new job starts: jobs in
 * hand finish, and each entry that arrives meanwhile waits for relief before it runs. So up to
 * {@code concurrency} entries can be held during a pause; they stay pending on this consumer and
 * the connector keeps them fresh, so no other worker takes them over while this one lives.
 */
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);

    private final Multi<Message<String>> jobs;
    private final JobRunner runner;
    private final RolesConfig roles;
    private final WorkerConfig config;
    private final MemoryPressure memory;
    private final JobLogContext logContext;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final DemandPauser intake = new DemandPauser();
    private final AtomicInteger inHand = new AtomicInteger();
    private volatile Cancellable subscription;

    public JobWorker(
            @Channel("jobs") Multi<Message<String>> jobs,
            JobRunner runner,
            RolesConfig roles,
            WorkerConfig config,
            MemoryPressure memory,
            MeterRegistry registry,
            JobLogContext logContext,
            FetchSlots slots) {
        this.logContext = logContext;
        this.jobs = jobs;
        this.runner = runner;
        this.roles = roles;
        this.config = config;
        this.memory = memory;
        Gauge.builder("trawl.worker.paused", paused, p -> p.get() ? 1 : 0)
                .description("1 while the worker starts no new job because the heap is high")
                .register(registry);
        Gauge.builder("trawl.worker.fetching", slots, FetchSlots::inUse)
                .description("Fetch slots in use: single pages being fetched and crawls running (at most"
                        + " trawl.worker.concurrency)")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!roles.runs(Role.WORKER)) {
            LOG.info("Worker role off: not consuming jobs");
            return;
        }
        LOG.infof(
                "Worker consuming jobs: %d fetching at a time, %d more finishing",
                config.concurrency(), config.maxFinishing());
        // Entries already asked for when intake stops are buffered, unclaimed, until it resumes.
        subscription = jobs.pauseDemand()
                .bufferUnconditionally()
                .using(intake)
                .onItem()
                .transformToUni(message -> whenMemoryAllows()
                        .chain(() -> Uni.createFrom().deferred(() -> {
                            inHand.incrementAndGet();
                            Uni<Void> run = JobIds.parse(message.getPayload())
                                    .map(id -> logContext.run(id.toString(), () -> runner.run(message)))
                                    .orElseGet(() -> runner.run(message));
                            return run.eventually(inHand::decrementAndGet);
                        })))
                .merge(config.concurrency() + config.maxFinishing())
                .subscribe()
                .with(
                        done -> {},
                        failure -> LOG.error("The job stream failed; this worker stopped consuming", failure));
    }

    private Uni<Void> whenMemoryAllows() {
        if (!memory.high()) {
            return Uni.createFrom().voidItem();
        }
        if (paused.compareAndSet(false, true)) {
            LOG.warn("Heap use is above trawl.worker.pause-heap-threshold: no new job starts until it falls;"
                    + " jobs in hand go on");
        }
        return memory.awaitRelief().invoke(() -> {
            if (paused.compareAndSet(true, false)) {
                LOG.info("Heap use is back under trawl.worker.pause-heap-threshold: taking jobs again");
            }
        });
    }

    /** Asks the queue for no more entries; the jobs in hand go on. */
    public void stopTaking() {
        intake.pause();
    }

    public void resumeTaking() {
        intake.resume();
    }

    /** False once intake has stopped: this worker is draining. */
    public boolean accepting() {
        return !intake.isPaused();
    }

    /** Entries being run right now, from their claim to their acknowledgement. */
    public int jobsInHand() {
        return inHand.get();
    }

    void stop(@Observes ShutdownEvent event) {
        Cancellable current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
