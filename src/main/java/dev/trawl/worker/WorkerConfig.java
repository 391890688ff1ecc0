package dev.trawl.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.worker")
public interface WorkerConfig {

    /**
     * Jobs one worker process fetches at once (a crawl counts as one): a job's place is given back
     * once its page is in hand ({@link FetchSlots}), while its result is written.
     */
    @WithDefault("50")
    int concurrency();

    /**
     * Jobs whose page is in hand and whose result is still being written (PostgreSQL, events,
     * acknowledgement), on top of {@link #concurrency()}: a worker holds at most the sum of the
     * two entries. The writes are batched, so this keeps the fetches going while they are out.
     */
    @WithDefault("50")
    int maxFinishing();

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
