package dev.trawl.worker;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventsConfig;
import dev.trawl.events.StoredEvent;
import dev.trawl.job.JobEnding;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.job.JobTransitions;
import dev.trawl.job.Transition;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A job's end is committed in PostgreSQL before its terminal event goes to Redis; a worker killed
 * in between leaves a finished job whose followers never hear that it ended. Its queue entry was
 * never acknowledged, so another worker meets it again and finds the job not claimable: this
 * writes the missing terminal event then, from what PostgreSQL holds ({@code recovered: true}),
 * and for a failed job the dead letter that would have followed it.
 */
@ApplicationScoped
public class TerminalEventRepair {

    private static final Logger LOG = Logger.getLogger(TerminalEventRepair.class);

    /** What to do with the queue entry that led here. */
    enum Verdict {
        ACK,
        LATER
    }

    private final JobStore store;
    private final EventLog events;
    private final EventsConfig config;
    private final JobTransitions transitions;

    public TerminalEventRepair(JobStore store, EventLog events, EventsConfig config, JobTransitions transitions) {
        this.transitions = transitions;
        this.store = store;
        this.events = events;
        this.config = config;
    }

    /**
     * For an entry whose job could not be claimed: ACK once the job is not finished or its log
     * ends with a terminal event (written now if it was missing); LATER while the job ended too
     * recently to tell a lost worker from a slow one.
     */
    Uni<Verdict> check(UUID jobId) {
        return store.ending(jobId).chain(ending -> {
            if (ending.isEmpty() || !endsWithAnEvent(ending.get().state())) {
                return Uni.createFrom().item(Verdict.ACK);
            }
            return events.latest(jobId)
                    .chain(latest -> latest.filter(StoredEvent::terminal).isPresent()
                            ? Uni.createFrom().item(Verdict.ACK)
                            : repair(jobId, ending.get(), latest));
        });
    }

    private Uni<Verdict> repair(UUID jobId, JobEnding ending, Optional<StoredEvent> latest) {
        if (ending.ago().compareTo(config.terminalGrace()) < 0) {
            return Uni.createFrom().item(Verdict.LATER);
        }
        LOG.warnf(
                "Job %s ended %s %d ms ago without its terminal event (last: %s); writing it now",
                jobId,
                ending.state().wireName(),
                ending.ago().toMillis(),
                latest.map(StoredEvent::type).orElse("none"));
        return transitions.announce(Transition.recovered(jobId, ending)).replaceWith(Verdict.ACK);
    }

    /** The states a worker ends a job in, each of which writes a terminal event. */
    private static boolean endsWithAnEvent(JobState state) {
        return state == JobState.SUCCEEDED
                || state == JobState.FAILED
                || state == JobState.CANCELLED
                || state == JobState.ABORTED;
    }
}
