package dev.trawl.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.worker")
public interface WorkerConfig {

    /** Jobs one worker process runs at once. */
    @WithDefault("50")
    int concurrency();

    /**
     * How long a claimed job belongs to its worker before another may take it over; renewed every
     * third of it. Short, because a dead worker's jobs wait for it to run out (see
     * docs/decisions.md, "Recovery in seconds").
     */
    @WithDefault("15S")
    Duration lease();

    /**
     * On shutdown, how long the jobs in hand may run on before their leases are handed back.
     * Keep it under the pod's terminationGracePeriodSeconds, with room for the rest of the shutdown.
     */
    @WithDefault("25S")
    Duration shutdownGrace();

    /**
     * A new single-page job's page is fetched as soon as its entry arrives, and the job is claimed
     * in the statement that stores the page; one still running after this long is claimed then,
     * and shows {@code running} with its {@code started} event from that moment. {@code 0S}
     * claims every job before its fetch.
     */
    @WithDefault("250MS")
    Duration claimAfter();
}
