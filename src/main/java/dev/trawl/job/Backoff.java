package dev.trawl.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * How long a job waits before its next attempt: exponential backoff with full jitter (a uniform
 * pick between zero and the capped exponential ceiling, so retries of many jobs failing together
 * spread out instead of arriving in waves), or the site's Retry-After when that is longer.
 */
@ApplicationScoped
public class Backoff {

    private final long initialMs;
    private final long maxMs;
    private final LongUnaryOperator jitter;

    @Inject
    public Backoff(RetryConfig config) {
        this(
                config.initialBackoff(),
                config.maxBackoff(),
                ceiling -> ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** @param jitter picks a number of milliseconds in {@code [0, ceiling]} */
    public Backoff(Duration initial, Duration max, LongUnaryOperator jitter) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.jitter = jitter;
    }

    /** The wait after attempt {@code attempt} (1 for the first) failed. */
    public Duration delay(int attempt, Optional<Duration> retryAfter) {
        Duration jittered = Duration.ofMillis(jitter.applyAsLong(ceilingMs(attempt)));
        return retryAfter.filter(asked -> asked.compareTo(jittered) > 0).orElse(jittered);
    }

    /** {@code initial * 2^(attempt-1)}, capped; computed without overflow for any attempt. */
    long ceilingMs(int attempt) {
        int doublings = Math.max(0, attempt - 1);
        if (doublings >= Long.numberOfLeadingZeros(initialMs) - 1) {
            return maxMs;
        }
        return Math.min(maxMs, initialMs << doublings);
    }
}
