package dev.trawl.job;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Cancelling a job: one that waits in the queue is cancelled at once (and says so in its event
 * log); a running one is flagged, and its worker ends it as cancelled at its next step.
 */
@ApplicationScoped
public class JobCancellation {

    private final JobStore store;
    private final EventLog events;

    public JobCancellation(JobStore store, EventLog events) {
        this.store = store;
        this.events = events;
    }

    /** The state after the request; empty when the job had already finished or does not exist. */
    public Uni<Optional<JobState>> cancel(UUID id) {
        return store.cancel(id).call(state -> state.filter(s -> s == JobState.CANCELLED).isPresent()
                ? events.append(id, EventType.CANCELLED, Map.of("reason", "cancelled by the client"))
                : Uni.createFrom().voidItem());
    }
}
