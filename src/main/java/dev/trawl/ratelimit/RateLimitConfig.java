package dev.trawl.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** {@code trawl.rate-limit.*}: a token bucket per caller, sized by the caller's tier. Admins are not limited. */
@ConfigMapping(prefix = "trawl.rate-limit")
public interface RateLimitConfig {

    /** Off for trusted deployments and benchmarks: every request is let through, no header is sent. */
    @WithDefault("true")
    boolean enabled();

    Bucket anonymous();

    @WithName("api-key")
    Bucket apiKey();

    Bucket premium();

    /** How long a decision may take in Redis before the pod decides alone. */
    @WithDefault("100MS")
    Duration redisTimeout();

    /** How long the pod decides alone after Redis failed, before it tries Redis again. */
    @WithDefault("5S")
    Duration fallbackFor();

    /** Pods that share the limits while Redis is out: each gives a caller this share of a tier's budget. */
    @WithDefault("2")
    int expectedPods();

    /** Callers a pod tracks while it decides alone; the least recently seen are forgotten first. */
    @WithDefault("100000")
    int localCallers();

    interface Bucket {

        /** Tokens added per minute: the sustained rate. */
        int perMinute();

        /** The most tokens a bucket holds (the burst); the per-minute amount when unset. */
        Optional<Integer> capacity();

        default int capacityOrDefault() {
            return capacity().orElse(perMinute());
        }
    }
}
