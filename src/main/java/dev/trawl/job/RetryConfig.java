package dev.trawl.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.retry")
public interface RetryConfig {

    /** The backoff ceiling of the first retry; it doubles with each attempt. */
    @WithDefault("1S")
    Duration initialBackoff();

    /** The largest backoff ceiling, whatever the attempt; a site's longer Retry-After still wins. */
    @WithDefault("5M")
    Duration maxBackoff();

    /** How often a worker moves due retries from the delayed set back to the queue. */
    @WithDefault("1S")
    Duration pollInterval();

    /**
     * How many times a job may lose its worker (lease run out, taken over or requeued) before it
     * fails as {@code lease-expired}. Losing a worker does not spend one of the job's attempts.
     */
    @WithDefault("5")
    int maxTakeovers();

    /** Most due retries moved per poll. */
    @WithDefault("200")
    int moveBatchSize();
}
