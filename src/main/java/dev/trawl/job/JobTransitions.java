package dev.trawl.job;

import dev.trawl.batch.Batcher;
import dev.trawl.events.EventLog;
import dev.trawl.events.NewEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The one way a change of a job's state is announced, whoever made it (a submit, a worker, the
 * reaper, a drain, a cancel, a repair, a re-drive, the stranded-job sweep): first every event of
 * the transitions, in one call to the event log, then their effects — stream entries, dead
 * letters, delayed retries, the places of ended jobs handed on ({@link FairShares}) — each kind in
 * one round trip. Events go first so that a follower always reads {@code queued} before a
 * worker's {@code started}, and a dead letter never names a job whose log does not say it failed.
 * Transitions announced while others are on their way go
 * together (see {@link Batcher}): concurrent submits share their round trips.
 */
@ApplicationScoped
public class JobTransitions {

    private static final int MAX_BATCH = 512;

    private final EventLog events;
    private final JobQueue queue;
    private final DeadLetters deadLetters;
    private final DelayedJobs delayed;
    private final FairShares shares;
    private final Batcher<Transition, Void> batches;
    private final JobOutcomes outcomes;

    public JobTransitions(
            EventLog events,
            JobQueue queue,
            DeadLetters deadLetters,
            DelayedJobs delayed,
            FairShares shares,
            JobOutcomes outcomes) {
        this.outcomes = outcomes;
        this.shares = shares;
        this.events = events;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.delayed = delayed;
        this.batches = new Batcher<>(MAX_BATCH, 2, this::write);
    }

    public Uni<Void> announce(Transition transition) {
        return batches.submit(transition);
    }

    /** Writes the events of all the transitions, then their effects; fails if any write failed. */
    public Uni<Void> announce(List<Transition> transitions) {
        return batches.submitAll(transitions).replaceWithVoid();
    }

    private Uni<List<Void>> write(List<Transition> transitions) {
        List<NewEvent> all = new ArrayList<>();
        List<QueuedJob> enqueue = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        List<DelayedJobs.Due> retries = new ArrayList<>();
        List<UUID> ended = new ArrayList<>();
        Instant now = Instant.now();
        for (Transition transition : transitions) {
            outcomes.announced(transition);
            all.addAll(transition.events());
            if (transition.state().terminal()) {
                ended.add(transition.jobId());
            }
            Transition.Effect effect = transition.effect();
            if (effect instanceof Transition.Enqueue e) {
                enqueue.add(new QueuedJob(transition.jobId(), e.priority(), e.share(), e.request()));
            } else if (effect instanceof Transition.DeadLetter d) {
                dead.add(new DeadLetter(null, transition.jobId(), d.url(), d.errorCode(), d.attempts(), now));
            } else if (effect instanceof Transition.Retry r) {
                retries.add(new DelayedJobs.Due(transition.jobId(), r.at()));
            } else if (effect instanceof Transition.Delay d) {
                retries.add(new DelayedJobs.Due(transition.jobId(), d.at()));
            }
        }
        return events.appendAll(all)
                .chain(ids -> {
                    List<Uni<Void>> effects = new ArrayList<>(4);
                    if (!ended.isEmpty()) {
                        effects.add(shares.release(ended).replaceWithVoid());
                    }
                    if (!enqueue.isEmpty()) {
                        effects.add(queue.enqueueAll(enqueue));
                    }
                    if (!dead.isEmpty()) {
                        effects.add(deadLetters.recordAll(dead));
                    }
                    if (!retries.isEmpty()) {
                        effects.add(delayed.scheduleAll(retries));
                    }
                    return switch (effects.size()) {
                        case 0 -> Uni.createFrom().voidItem();
                        case 1 -> effects.get(0);
                        default -> Uni.join().all(effects).andCollectFailures().replaceWithVoid();
                    };
                })
                .map(done -> Collections.nCopies(transitions.size(), null));
    }
}
