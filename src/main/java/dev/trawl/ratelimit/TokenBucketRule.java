package dev.trawl.ratelimit;

import java.time.Duration;

/**
 * The rule both kinds of bucket follow, for one request: it passes if the bucket holds its cost,
 * and then the cost is taken. {@code perMs} is the refill per millisecond.
 */
final class TokenBucketRule {

    private TokenBucketRule() {}

    /** What taking {@code cost} from a bucket holding {@code tokens} leaves: the decision and the tokens after it. */
    record Outcome(Decision decision, double tokensAfter) {}

    static Outcome take(double tokens, long capacity, double perMs, long cost, Decision.Source source) {
        return take(tokens, capacity, perMs, cost, tokens >= cost, source);
    }

    /** As {@link #take(double, long, double, long, Decision.Source)}, with the verdict already given (by Redis). */
    static Outcome take(
            double tokens, long capacity, double perMs, long cost, boolean allowed, Decision.Source source) {
        long retryAfter = allowed ? 0 : (long) Math.ceil(Math.max(0, cost - tokens) / perMs);
        double after = allowed ? tokens - cost : tokens;
        long untilFull = (long) Math.ceil((capacity - after) / perMs);
        return new Outcome(
                new Decision(
                        allowed,
                        capacity,
                        (long) Math.floor(Math.max(0, after)),
                        Duration.ofMillis(untilFull),
                        Duration.ofMillis(retryAfter),
                        source),
                after);
    }
}
