package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * When the worker stops taking new jobs. The properties sit under {@code trawl.worker} because it
 * is the worker that pauses; the mapping lives here so that the engine does not import the worker.
 */
@ConfigMapping(prefix = "trawl.worker")
public interface MemoryPressureConfig {

    /** No new job starts while heap use is above this share of the maximum heap. */
    @WithDefault("0.90")
    double pauseHeapThreshold();

    /** How often a paused worker reads the heap again. */
    @WithDefault("1S")
    Duration pausePollInterval();
}
