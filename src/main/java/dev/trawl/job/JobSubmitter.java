package dev.trawl.job;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Accepting a job: INSERT it (PostgreSQL is the system of record), write its {@code queued}
 * event, then XADD it to the work stream of its priority. The event goes first so that no
 * worker's {@code started} can precede it. An identical request whose job is still live (or
 * succeeded within {@code trawl.jobs.dedupe-window}) gets that job instead.
 */
@ApplicationScoped
public class JobSubmitter {

    private static final Logger LOG = Logger.getLogger(JobSubmitter.class);

    private final JobStore store;
    private final JobQueue queue;
    private final EventLog events;
    private final SubmitConfig config;
    private final Counter submitted;
    private final Counter deduplicated;

    public JobSubmitter(JobStore store, JobQueue queue, EventLog events, SubmitConfig config, MeterRegistry registry) {
        this.store = store;
        this.queue = queue;
        this.events = events;
        this.config = config;
        this.submitted = registry.counter("trawl.jobs.submitted");
        this.deduplicated = registry.counter("trawl.jobs.deduplicated");
    }

    public Uni<SubmittedJob> submit(JobSpec spec) {
        return submit(spec, true);
    }

    /**
     * @param dedupe whether a queued, running or recently succeeded job with the same job key
     *               answers instead of a new one
     */
    public Uni<SubmittedJob> submit(JobSpec spec, boolean dedupe) {
        UUID id = JobIds.next();
        String key = JobKey.of(spec);
        Uni<SubmittedJob> recorded = dedupe
                ? store.insertUnlessHeld(id, spec, key, config.dedupeWindow())
                : store.insert(id, spec, key).map(createdAt -> new SubmittedJob(id, JobState.QUEUED, createdAt));
        return recorded.call(job -> job.deduplicated() ? Uni.createFrom().voidItem() : enqueue(job.id(), spec))
                .invoke(job -> (job.deduplicated() ? deduplicated : submitted).increment());
    }

    private Uni<Void> enqueue(UUID id, JobSpec spec) {
        return events.append(id, EventType.QUEUED, Map.of("url", spec.url(), "priority", spec.priority().wireName()))
                .chain(() -> queue.enqueue(id, spec.priority()))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> giveUp(id, failure));
    }

    private Uni<Void> giveUp(UUID id, Throwable failure) {
        LOG.errorf(failure, "Job %s could not be queued; failing it", id);
        Map<String, Object> error = Map.of("kind", "queue-unavailable", "message", String.valueOf(failure.getMessage()));
        return store.failUnqueued(id, error)
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().failure(new QueueUnavailableException(id, failure)));
    }
}
