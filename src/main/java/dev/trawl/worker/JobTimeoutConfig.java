package dev.trawl.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.jobs")
public interface JobTimeoutConfig {

    /**
     * How long one attempt of a job may run, all its pages together, before it ends {@code failed}
     * with {@code job-timeout}; the per-page {@code timeoutSeconds} of a request bounds each fetch.
     */
    @WithDefault("600S")
    Duration timeout();
}
