package dev.trawl.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.api")
public interface ApiConfig {

    /** How long {@code POST /scrape} waits for its job before answering 504. */
    @WithDefault("30S")
    Duration syncTimeout();

    /** Pages per result response when the client does not say. */
    @WithDefault("100")
    int defaultResultLimit();
}
