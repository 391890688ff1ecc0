package dev.trawl.worker;

import dev.trawl.job.CrawlLimits;

/**
 * What one crawl's frontier may hold and touch: queued URLs as a multiple of the pages it may
 * still take, the longest link it follows, and how many origins it may fetch from.
 */
record FrontierBounds(int queuedPerRemainingPage, int maxUrlLength, int maxOrigins) {

    static FrontierBounds of(CrawlLimits limits) {
        return new FrontierBounds(limits.frontierPerPage(), limits.maxUrlLength(), limits.maxOrigins());
    }
}
