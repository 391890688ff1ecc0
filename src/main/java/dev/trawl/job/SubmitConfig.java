package dev.trawl.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.jobs")
public interface SubmitConfig {

    /** How long after it succeeded a job still answers an identical submit (queued and running ones always do). */
    @WithDefault("10M")
    Duration dedupeWindow();

    /** How far ahead a submit may ask its job to run ({@code runAt}, {@code delaySeconds}). */
    @WithDefault("30D")
    Duration maxDelay();

    /** How long an {@code Idempotency-Key} is remembered with the answer it got. */
    @WithDefault("24H")
    Duration idempotencyTtl();
}
