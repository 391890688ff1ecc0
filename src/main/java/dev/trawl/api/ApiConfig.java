package dev.trawl.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.api")
public interface ApiConfig {

    /** How long {@code POST /scrape} waits for its job before answering 504. */
    @WithDefault("30S")
    Duration syncTimeout();

    /**
     * The largest request body of every route but {@code POST /v1/jobs/batch}, whose bodies may
     * be as large as {@code quarkus.http.limits.max-body-size}.
     */
    @WithDefault("64K")
    MemorySize maxBodySize();

    /**
     * The most bytes of stored page values one result response carries (measured as stored, so
     * the JSON is of this order). A response stops before the page that would go past it and
     * links to the next; a single page larger than this is still served, alone.
     */
    @WithDefault("4M")
    MemorySize resultMaxBytes();

    /** Pages per result response when the client does not say. */
    @WithDefault("100")
    int defaultResultLimit();
}
