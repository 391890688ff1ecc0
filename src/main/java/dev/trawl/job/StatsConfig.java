package dev.trawl.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.stats")
public interface StatsConfig {

    /**
     * A worker counts as alive in {@code GET /v1/stats} while its consumer polled a work stream
     * within this; an idle worker polls every {@code block-ms} (2 s), so anything well above that.
     */
    @WithDefault("30S")
    Duration workerIdle();
}
