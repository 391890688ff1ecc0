package dev.trawl.ratelimit;

import dev.trawl.api.Problem;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/** What a limited response tells its caller: {@code X-RateLimit-*}, and on a refusal {@code Retry-After} and a 429 problem. */
public final class RateLimitHeaders {

    public static final String LIMIT = "X-RateLimit-Limit";
    public static final String REMAINING = "X-RateLimit-Remaining";
    public static final String RESET = "X-RateLimit-Reset";

    private RateLimitHeaders() {}

    /** Sets (or replaces) the headers of a limited decision; an unlimited one adds none. */
    public static void apply(HttpServerResponse response, Decision decision) {
        if (!decision.limited()) {
            return;
        }
        response.headers()
                .set(LIMIT, Long.toString(decision.limit()))
                .set(REMAINING, Long.toString(decision.remaining()))
                .set(RESET, Long.toString(seconds(decision.reset())));
        if (!decision.allowed()) {
            response.headers().set("Retry-After", Long.toString(Math.max(1, seconds(decision.retryAfter()))));
        }
    }

    public static Problem refusal(Decision decision, long cost) {
        return Problem.of(
                429,
                "rate-limited",
                "Too Many Requests",
                "This request costs " + cost + (cost == 1 ? " token" : " tokens") + " and " + decision.remaining()
                        + " are left of " + decision.limit() + "; retry after "
                        + Math.max(1, seconds(decision.retryAfter()))
                        + " s");
    }

    private static long seconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }
}
