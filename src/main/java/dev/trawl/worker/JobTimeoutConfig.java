package dev.trawl.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.jobs")
public interface JobTimeoutConfig {

    /**
     * How long one attempt of a single-page job may run, and how long a crawl may go without
     * recording a page, before it ends {@code failed} with {@code job-timeout}. A crawl has no
     * total limit: its page budget bounds it, at most {@code maxPages} pages each within this
     * time. The per-page {@code timeoutSeconds} of a request bounds each fetch.
     */
    @WithDefault("600S")
    Duration timeout();
}
