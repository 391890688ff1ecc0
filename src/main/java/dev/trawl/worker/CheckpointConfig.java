package dev.trawl.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How often a crawl saves its checkpoint: after this many pages or this much time, whichever comes first. */
@ConfigMapping(prefix = "trawl.checkpoint")
public interface CheckpointConfig {

    /** Pages stored since the last checkpoint that make the crawl save a new one. */
    @WithDefault("25")
    int everyPages();

    /** Time since the last checkpoint after which the next stored page makes the crawl save one. */
    @WithDefault("10S")
    Duration every();
}
