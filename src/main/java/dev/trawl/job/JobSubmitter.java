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
 * worker's {@code started} can precede it.
 */
@ApplicationScoped
public class JobSubmitter {

    private static final Logger LOG = Logger.getLogger(JobSubmitter.class);

    private final JobStore store;
    private final JobQueue queue;
    private final EventLog events;
    private final Counter submitted;

    public JobSubmitter(JobStore store, JobQueue queue, EventLog events, MeterRegistry registry) {
        this.store = store;
        this.queue = queue;
        this.events = events;
        this.submitted = registry.counter("trawl.jobs.submitted");
    }

    public Uni<SubmittedJob> submit(JobSpec spec) {
        UUID id = JobIds.next();
        return store.insert(id, spec, JobKey.of(spec))
                .call(() -> events.append(id, EventType.QUEUED,
                                Map.of("url", spec.url(), "priority", spec.priority().wireName()))
                        .chain(() -> queue.enqueue(id, spec.priority()))
                        .onFailure().recoverWithUni(failure -> giveUp(id, failure)))
                .map(createdAt -> {
                    submitted.increment();
                    return new SubmittedJob(id, JobState.QUEUED, createdAt);
                });
    }

    private Uni<Void> giveUp(UUID id, Throwable failure) {
        LOG.errorf(failure, "Job %s could not be queued; failing it", id);
        Map<String, Object> error = Map.of("kind", "queue-unavailable", "message", String.valueOf(failure.getMessage()));
        return store.failUnqueued(id, error)
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().failure(new QueueUnavailableException(id, failure)));
    }
}
