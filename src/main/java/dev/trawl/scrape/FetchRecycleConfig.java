package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** When {@link FetchClients} replaces the worker's HTTP client with a fresh one. */
@ConfigMapping(prefix = "trawl.fetch.recycle")
public interface FetchRecycleConfig {

    /** A client older than this is replaced. */
    @WithDefault("6H")
    Duration maxAge();

    /**
     * A client that has served this many leases (jobs) is replaced. Each replacement opens new
     * connections to every site, so this is large: at 2,000 jobs a second it is about half a minute.
     */
    @WithDefault("50000")
    int maxJobs();

    /** The client is replaced while heap use is above this share of the maximum heap. */
    @WithDefault("0.85")
    double heapThreshold();

    /**
     * A client younger than this is not replaced for heap use: if the heap stays high for other
     * reasons, a new client per job would only cost connections and memory.
     */
    @WithDefault("1M")
    Duration heapMinAge();
}
