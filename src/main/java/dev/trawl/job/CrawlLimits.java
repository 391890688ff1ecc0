package dev.trawl.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What a crawl may ask for, and what one crawl may hold or touch while it runs. */
@ConfigMapping(prefix = "trawl.crawl")
public interface CrawlLimits {

    /** Pages of one crawl fetched at once (the site's politeness limits may allow fewer). */
    @WithDefault("8")
    int parallelism();

    /** The most pages a request may ask for; more is a 400. */
    @WithDefault("10000")
    int maxPages();

    /** The deepest a request may ask to follow links; more is a 400. */
    @WithDefault("20")
    int maxDepth();

    /**
     * URLs a crawl keeps queued, as a multiple of the pages it may still fetch: links found
     * beyond that are dropped (and counted in the page events as {@code frontierFull}); a page
     * taken later makes room again.
     */
    @WithDefault("5")
    int frontierPerPage();

    /** Links longer than this many characters are not followed (counted as {@code linksTooLong}). */
    @WithDefault("2048")
    int maxUrlLength();

    /**
     * Origins (scheme, host and port) one crawl may fetch from. Every origin costs a robots.txt
     * cache entry and politeness keys in Redis; pages of further origins fail with
     * {@code too-many-origins} and the crawl goes on.
     */
    @WithDefault("100")
    int maxOrigins();
}
