package dev.trawl.maintenance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.recovery")
public interface RecoveryConfig {

    /** How often a worker looks for running jobs whose lease ran out. */
    @WithDefault("5S")
    Duration reaperInterval();

    /**
     * How long past its expiry a lease is left alone before the reaper requeues the job, so the
     * queue's own take-over (XAUTOCLAIM) gets the first chance and a slow renewal is not punished.
     */
    @WithDefault("10S")
    Duration leaseGrace();

    /** How often a worker checks that Redis still holds our data (the epoch marker). */
    @WithDefault("10S")
    Duration reconcileInterval();

    /**
     * How long a job may sit in {@code queued} after the worker group got past the point where its
     * entry would be (or a retry past its due time) before the reconciler takes it for lost and
     * enqueues it again. Also covers clock skew between PostgreSQL and Redis.
     */
    @WithDefault("60S")
    Duration strandedAfter();

    /** How often a worker deletes Idempotency-Keys past their time. */
    @WithDefault("10M")
    Duration keySweepInterval();

    /** Jobs read from PostgreSQL per batch when requeueing (and expired keys deleted per statement). */
    @WithDefault("500")
    int batchSize();
}
