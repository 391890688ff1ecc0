package dev.trawl.job;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Cancelling a job: one that waits in the queue is cancelled at once (and says so in its event
 * log); a running one is flagged, and its worker ends it as cancelled at its next step.
 */
@ApplicationScoped
public class JobCancellation {

    private final JobStore store;
    private final JobTransitions transitions;

    public JobCancellation(JobStore store, JobTransitions transitions) {
        this.store = store;
        this.transitions = transitions;
    }

    /** The state after the request; empty when the job had already finished or does not exist. */
    public Uni<Optional<JobState>> cancel(UUID id) {
        return store.cancel(id)
                .call(state -> state.filter(s -> s == JobState.CANCELLED).isPresent()
                        ? transitions.announce(Transition.cancelled(id))
                        : Uni.createFrom().voidItem());
    }
}
