package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** When too many pages fail: a job is aborted, a site is paused for the whole cluster. */
@ConfigMapping(prefix = "trawl.abort")
public interface AbortConfig {

    /** How many of the latest page outcomes (of a job, or of a site) the failure rate is taken over. */
    @WithDefault("50")
    int window();

    /** Fewer outcomes than this never trigger anything, however many of them failed. */
    @WithDefault("20")
    int minSamples();

    /** The failure rate a window must exceed to abort the job or pause the site. */
    @WithDefault("0.5")
    double maxFailureRate();

    /** How long every worker leaves a site alone once its failure rate crossed the bound. */
    @WithDefault("5M")
    Duration siteCooldown();
}
