package dev.trawl.maintenance;

import dev.trawl.events.WebhookSubscriptions;
import dev.trawl.job.FairShare;
import dev.trawl.job.FairShares;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobTransitions;
import dev.trawl.job.Transition;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import dev.trawl.schedule.CronSchedule;
import dev.trawl.schedule.Schedule;
import dev.trawl.schedule.ScheduleConfig;
import dev.trawl.schedule.ScheduleStore;
import dev.trawl.tenancy.Tier;
import dev.trawl.tenancy.TierPolicies;
import dev.trawl.tenancy.TierPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Fires the due ticks of schedules, on every worker pod: each pass reads the schedules whose
 * {@code next_run_at} has come and fires each ({@link ScheduleStore#fire}), which records one
 * ordinary queued job per tick across all pods, then announces it like a submit (event, stream
 * entry by the owner's turn). A tick is fired late by at most a poll interval.
 *
 * <p>Missed ticks (every worker down, or the pass fell behind): catch-up once. The job is for the
 * most recent tick that has come; older missed ticks are skipped, and the schedule moves on to
 * its first tick after now.
 *
 * <p>The owner's limits apply, by the tier its key has now: a tick that would put the owner over
 * its tier's {@code max-queued} submits no job, and the schedule records why ({@code lastSkip})
 * and moves on; so does a tick of an owner whose key was revoked.
 */
@ApplicationScoped
public class ScheduleTicker {

    private static final Logger LOG = Logger.getLogger(ScheduleTicker.class);

    /** What one due schedule's tick came to. */
    enum TickOutcome {
        SUBMITTED,
        SKIPPED,
        TAKEN_BY_ANOTHER,
        EXHAUSTED,
        FAILED
    }

    private final ScheduleStore store;
    private final ScheduleConfig config;
    private final JobTransitions transitions;
    private final FairShares shares;
    private final TierPolicies policies;
    private final RolesConfig roles;
    private final WebhookSubscriptions webhooks;
    private final PeriodicTask<Integer> task;
    private final Map<TickOutcome, Counter> ticks = new LinkedHashMap<>();

    public ScheduleTicker(
            ScheduleStore store,
            ScheduleConfig config,
            JobTransitions transitions,
            FairShares shares,
            TierPolicies policies,
            RolesConfig roles,
            WebhookSubscriptions webhooks,
            Vertx vertx,
            MeterRegistry registry) {
        this.webhooks = webhooks;
        this.store = store;
        this.config = config;
        this.transitions = transitions;
        this.shares = shares;
        this.policies = policies;
        this.roles = roles;
        for (TickOutcome outcome : TickOutcome.values()) {
            ticks.put(
                    outcome,
                    Counter.builder("trawl.schedule.ticks")
                            .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                            .description("Due schedule ticks this pod handled, by what came of them (submitted: a job;"
                                    + " skipped: the owner's quota was full or its key revoked; taken_by_another: another pod fired it;"
                                    + " failed: the next pass tries again)")
                            .register(registry));
        }
        this.task = new PeriodicTask<>(
                vertx, registry, "schedule-ticker", "Firing due schedule ticks", this::fireDue, Integer::longValue);
    }

    void start(@Observes StartupEvent event) {
        if (roles.runs(Role.WORKER)) {
            task.start(config.pollInterval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        task.stop();
    }

    /** One pass; the item is how many jobs this pod submitted. */
    public Uni<Integer> fireDue() {
        return store.due(config.batchSize()).chain(this::fireAll);
    }

    private Uni<Integer> fireAll(List<ScheduleStore.DueSchedule> due) {
        if (due.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<TickOutcome>> fired = due.stream()
                .map(schedule -> fire(schedule).onFailure().recoverWithItem(failure -> {
                    LOG.warnf(
                            "Tick of schedule %s failed; the next pass tries again: %s",
                            schedule.schedule().id(), failure.getMessage());
                    return counted(TickOutcome.FAILED);
                }))
                .toList();
        return Uni.join().all(fired).andCollectFailures().map(outcomes -> (int) outcomes.stream()
                .filter(outcome -> outcome == TickOutcome.SUBMITTED)
                .count());
    }

    private Uni<TickOutcome> fire(ScheduleStore.DueSchedule due) {
        Schedule schedule = due.schedule();
        Instant now = Instant.now();
        CronSchedule cron;
        try {
            cron = CronSchedule.parse(schedule.cron(), schedule.timeZone());
        } catch (CronSchedule.Invalid e) {
            return store.exhaust(schedule, e.getMessage()).map(done -> counted(TickOutcome.EXHAUSTED));
        }
        // catch-up once: the most recent tick that has come stands for every one missed
        Instant tick = cron.latestAtOrBefore(now)
                .filter(latest -> latest.isAfter(schedule.nextRunAt()))
                .orElse(schedule.nextRunAt());
        Optional<Instant> next = cron.nextAfter(now.isAfter(tick) ? now : tick);
        if (next.isEmpty()) {
            return store.exhaust(schedule, "the cron expression has no tick left")
                    .map(done -> counted(TickOutcome.EXHAUSTED));
        }
        if (due.ownerRevoked()) {
            return store.skip(schedule, tick, next.get(), "the owner's API key was revoked")
                    .map(moved -> counted(moved ? TickOutcome.SKIPPED : TickOutcome.TAKEN_BY_ANOTHER));
        }
        TierPolicy policy = policies.of(Tier.fromWire(due.ownerTier()).orElse(Tier.API_KEY));
        return roomFor(schedule.owner(), policy)
                .chain(room -> room.isPresent()
                        ? store.skip(schedule, tick, next.get(), room.get())
                                .map(moved -> counted(moved ? TickOutcome.SKIPPED : TickOutcome.TAKEN_BY_ANOTHER))
                        : submit(schedule, tick, next.get(), new FairShare(schedule.owner(), policy.maxInFlight())));
    }

    private Uni<TickOutcome> submit(Schedule schedule, Instant tick, Instant next, FairShare share) {
        UUID jobId = JobIds.next();
        return store.fire(schedule, tick, next, jobId).chain(fired -> {
            if (fired.isEmpty()) {
                return Uni.createFrom().item(counted(TickOutcome.TAKEN_BY_ANOTHER));
            }
            JobSpec job = schedule.job();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("url", job.url());
            data.put("priority", job.priority().wireName());
            data.put("scheduleId", schedule.id().toString());
            data.put("scheduleTick", tick.toString());
            // recorded: if this announce is lost, the stranded-job sweep queues the job later
            Uni<Void> subscribed = job.webhook() == null
                    ? Uni.createFrom().voidItem()
                    : webhooks.subscribe(List.of(new WebhookSubscriptions.Subscription(
                            jobId, job.webhook().events())));
            return subscribed
                    .chain(() -> transitions.announce(Transition.submitted(jobId, job.priority(), data, share)))
                    .onFailure()
                    .invoke(failure -> LOG.warnf(
                            "Job %s of schedule %s was recorded but not yet queued; the stranded-job sweep will: %s",
                            jobId, schedule.id(), failure.getMessage()))
                    .onFailure()
                    .recoverWithNull()
                    .map(done -> counted(TickOutcome.SUBMITTED));
        });
    }

    /** Why the owner has no room for one more job (its tier's max-queued), or empty if it has. */
    private Uni<Optional<String>> roomFor(String owner, TierPolicy policy) {
        int max = policy.maxQueued();
        if (max <= 0) {
            return Uni.createFrom().item(Optional.empty());
        }
        return shares.backlog(owner)
                .map(backlog -> backlog.total() + 1 > max
                        ? Optional.of("the owner had " + backlog.total() + " unfinished jobs; its tier allows " + max)
                        : Optional.<String>empty());
    }

    private TickOutcome counted(TickOutcome outcome) {
        ticks.get(outcome).increment();
        return outcome;
    }
}
