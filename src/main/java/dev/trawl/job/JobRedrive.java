package dev.trawl.job;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Re-driving a job that failed for good (or was aborted): one conditional UPDATE puts it back to
 * {@code queued} with a fresh allowance of attempts (its attempt number, the fencing token, keeps
 * growing), then its {@code queued} event (reason {@code redriven}) is written and it is XADDed
 * to the stream of its priority, as for a submit. The job is read before it is announced, so the
 * caller sees it queued, not already taken by a worker.
 */
@ApplicationScoped
public class JobRedrive {

    private final JobStore store;
    private final JobTransitions transitions;
    private final JobQueries queries;
    private final JobOutcomes outcomes;

    public JobRedrive(JobStore store, JobTransitions transitions, JobQueries queries, JobOutcomes outcomes) {
        this.outcomes = outcomes;
        this.queries = queries;
        this.store = store;
        this.transitions = transitions;
    }

    /** The job queued again if it was failed or aborted; empty if it is in any other state or unknown. */
    public Uni<Optional<JobSummary>> redrive(UUID id) {
        return store.redrive(id).chain(priority -> {
            if (priority.isEmpty()) {
                return Uni.createFrom().item(Optional.<JobSummary>empty());
            }
            outcomes.redriven();
            return queries.find(id)
                    .call(() -> transitions.announce(Transition.queued(
                            id,
                            priority.get(),
                            Map.of(
                                    "reason",
                                    "redriven",
                                    "priority",
                                    priority.get().wireName()))));
        });
    }
}
