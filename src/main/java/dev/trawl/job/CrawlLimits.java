package dev.trawl.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
}
