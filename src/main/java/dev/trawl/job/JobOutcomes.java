package dev.trawl.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts what {@link JobTransitions} announces, so every way a job moves is counted once, by
 * whoever moved it: {@code trawl_jobs_finished_total{outcome}} (the final state, not attempts),
 * {@code trawl_jobs_retries_total}, {@code trawl_jobs_dead_lettered_total} and
 * {@code trawl_jobs_redriven_total}. The meters are made once; counting allocates nothing.
 */
@ApplicationScoped
public class JobOutcomes {

    private final Map<JobState, Counter> finished = new EnumMap<>(JobState.class);
    private final Counter retries;
    private final Counter deadLettered;
    private final Counter redriven;

    public JobOutcomes(MeterRegistry registry) {
        for (JobState state : JobState.values()) {
            if (state.terminal()) {
                finished.put(
                        state,
                        Counter.builder("trawl.jobs.finished")
                                .tag("outcome", state.wireName())
                                .description(
                                        "Jobs that reached a final state, by that state (each job once per run to an end)")
                                .register(registry));
            }
        }
        this.retries = Counter.builder("trawl.jobs.retries")
                .description("Failed attempts scheduled to run again after a backoff")
                .register(registry);
        this.deadLettered = Counter.builder("trawl.jobs.dead.lettered")
                .description("Failed jobs written to the dead-letter stream")
                .register(registry);
        this.redriven = Counter.builder("trawl.jobs.redriven")
                .description("Failed or aborted jobs an operator queued again")
                .register(registry);
    }

    void announced(Transition transition) {
        Counter ended = finished.get(transition.state());
        if (ended != null) {
            ended.increment();
        }
        Transition.Effect effect = transition.effect();
        if (effect instanceof Transition.Retry) {
            retries.increment();
        } else if (effect instanceof Transition.DeadLetter) {
            deadLettered.increment();
        }
    }

    void redriven() {
        redriven.increment();
    }
}
