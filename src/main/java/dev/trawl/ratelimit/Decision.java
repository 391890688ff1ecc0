package dev.trawl.ratelimit;

import java.time.Duration;

/**
 * A limiter's answer for one request: whether it may go on, and where its caller stands.
 * {@code limit} is the bucket's capacity, {@code remaining} the whole tokens left, {@code reset}
 * the time until the bucket is full again and {@code retryAfter} the wait before a refused
 * request could pass. An unlimited decision has no figures.
 */
public record Decision(
        boolean allowed, long limit, long remaining, Duration reset, Duration retryAfter, Source source) {

    /** Who decided: the cluster's buckets in Redis, this pod alone, or nobody (no limit applies). */
    public enum Source {
        REDIS,
        LOCAL,
        UNLIMITED
    }

    public static final Decision UNLIMITED = new Decision(true, 0, 0, Duration.ZERO, Duration.ZERO, Source.UNLIMITED);

    public boolean limited() {
        return source != Source.UNLIMITED;
    }
}
