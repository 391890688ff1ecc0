package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long an origin's robots.txt is trusted before it is fetched again, and how much of it is kept. */
@ConfigMapping(prefix = "trawl.robots")
public interface RobotsConfig {

    /** A robots.txt that was fetched, or found missing (4xx), is kept this long (RFC 9309 asks for at most 24 hours). */
    @WithDefault("24H")
    Duration cacheTtl();

    /**
     * A robots.txt that could not be fetched (5xx, 429, timeout, connection or DNS failure) means
     * "disallow everything" for this long, then it is tried again.
     */
    @WithDefault("5M")
    Duration errorTtl();

    /**
     * How long a worker uses the rules it last read for an origin before it looks at Redis again.
     * Saves a round trip per page; a robots.txt that changes reaches a busy worker this much
     * later. {@code 0S} looks every time.
     */
    @WithDefault("30S")
    Duration localTtl();

    /**
     * The most bytes of one origin's cached rules (only the rules that apply to our robot are
     * kept, see docs/operations.md). An origin whose rules for us are larger is not crawled: its
     * pages fail with {@code robots-too-large}. With {@code trawl.crawl.max-origins} this bounds
     * what one crawl can write to Redis.
     */
    @WithDefault("262144")
    int maxEntryBytes();
}
