package dev.trawl.job;

import dev.trawl.events.WebhookSubscriptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Accepting jobs: INSERT them (PostgreSQL is the system of record), write their {@code queued}
 * events, then XADD them to the work streams of their priorities ({@link JobTransitions}). An
 * identical request whose job is still live (or succeeded within {@code trawl.jobs.dedupe-window})
 * gets that job instead. A job asked to run later is recorded {@code scheduled} and put in the
 * delayed set instead of a stream, like a retry ({@link DelayedJobs}). Concurrent submits share
 * their round trips: their INSERTs go in one transaction and their events and entries in one call
 * each (see {@link JobStore#insert}).
 */
@ApplicationScoped
public class JobSubmitter {

    private static final Logger LOG = Logger.getLogger(JobSubmitter.class);

    /**
     * One job a client asked for, validated; {@code caller} says whose it is and how it takes
     * turns; {@code runAt} when it may run (null for now); {@code traceId} the W3C trace id of the
     * request, or null.
     */
    public record Submission(JobSpec spec, boolean dedupe, FairShare caller, Instant runAt, String traceId) {

        public Submission(JobSpec spec, boolean dedupe, FairShare caller) {
            this(spec, dedupe, caller, null, null);
        }
    }

    private final JobStore store;
    private final JobTransitions transitions;
    private final WebhookSubscriptions webhooks;
    private final Counter submitted;
    private final Counter deduplicated;

    public JobSubmitter(
            JobStore store, JobTransitions transitions, WebhookSubscriptions webhooks, MeterRegistry registry) {
        this.store = store;
        this.transitions = transitions;
        this.webhooks = webhooks;
        this.submitted = Counter.builder("trawl.jobs.submitted")
                .description("Jobs accepted and queued (a deduplicated request is not one)")
                .register(registry);
        this.deduplicated = Counter.builder("trawl.jobs.deduplicated")
                .description("Requests answered with an identical live or recently succeeded job")
                .register(registry);
    }

    /**
     * @param dedupe whether a queued, running or recently succeeded job of the same owner with
     *               the same request answers instead of a new one
     */
    public Uni<SubmittedJob> submit(JobSpec spec, boolean dedupe, FairShare caller) {
        return submit(new Submission(spec, dedupe, caller));
    }

    /** Accepts one job (see {@link #submitAll}). */
    public Uni<SubmittedJob> submit(Submission submission) {
        return submitAll(List.of(submission)).map(jobs -> jobs.get(0));
    }

    /**
     * Accepts the jobs in the order given; the item is each one's answer, in that order. If the
     * queue cannot take them, those just recorded are failed at once and the whole fails with
     * {@link QueueUnavailableException}: nobody waits on a job that never reached the queue.
     */
    public Uni<List<SubmittedJob>> submitAll(List<Submission> submissions) {
        List<NewJob> jobs = new ArrayList<>(submissions.size());
        for (Submission submission : submissions) {
            jobs.add(NewJob.of(
                    JobIds.next(),
                    submission.spec(),
                    submission.caller().owner(),
                    submission.dedupe(),
                    submission.runAt(),
                    submission.traceId()));
        }
        return store.insertAll(jobs)
                .call(recorded -> {
                    List<Transition> queued = new ArrayList<>();
                    List<WebhookSubscriptions.Subscription> hooks = new ArrayList<>();
                    for (int i = 0; i < recorded.size(); i++) {
                        SubmittedJob job = recorded.get(i);
                        if (job.deduplicated()) {
                            continue;
                        }
                        JobSpec spec = jobs.get(i).spec();
                        if (spec.webhook() != null) {
                            hooks.add(new WebhookSubscriptions.Subscription(
                                    job.id(), spec.webhook().events()));
                        }
                        Map<String, Object> data = new LinkedHashMap<>();
                        data.put("url", spec.url());
                        data.put("priority", spec.priority().wireName());
                        if (job.state() == JobState.SCHEDULED) {
                            queued.add(
                                    Transition.scheduled(job.id(), jobs.get(i).runAt(), data));
                        } else {
                            queued.add(Transition.submitted(
                                    job.id(),
                                    spec.priority(),
                                    data,
                                    submissions.get(i).caller(),
                                    jobs.get(i).entryRequest()));
                        }
                    }
                    // the subscriptions first: the queued event a webhook wants is queued for delivery with it
                    return webhooks.subscribe(hooks)
                            .chain(() -> transitions.announce(queued))
                            .onFailure()
                            .recoverWithUni(failure -> giveUp(queued, failure));
                })
                .invoke(recorded ->
                        recorded.forEach(job -> (job.deduplicated() ? deduplicated : submitted).increment()));
    }

    private Uni<Void> giveUp(List<Transition> unqueued, Throwable failure) {
        LOG.errorf(failure, "%d jobs could not be queued; failing them", unqueued.size());
        Map<String, Object> error =
                Map.of("kind", "queue-unavailable", "message", String.valueOf(failure.getMessage()));
        List<Uni<Void>> failing = unqueued.stream()
                .map(job -> store.failUnqueued(job.jobId(), error)
                        .onFailure()
                        .recoverWithNull()
                        .replaceWithVoid())
                .toList();
        return Uni.join()
                .all(failing)
                .andCollectFailures()
                .chain(() -> Uni.createFrom()
                        .failure(new QueueUnavailableException(unqueued.get(0).jobId(), failure)));
    }
}
