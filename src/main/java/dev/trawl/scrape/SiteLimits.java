package dev.trawl.scrape;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How hard the whole cluster may press one site: requests in flight at once, and time between starts. */
public record SiteLimits(int maxConcurrency, Duration minDelay) {

    public SiteLimits {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
        }
        Objects.requireNonNull(minDelay, "minDelay");
        if (minDelay.isNegative()) {
            throw new IllegalArgumentException("minDelay must not be negative, was " + minDelay);
        }
    }

    /** These limits, slowed to a robots.txt Crawl-delay when the site asks for more than we would give. */
    public SiteLimits withCrawlDelay(Optional<Duration> crawlDelay) {
        return crawlDelay
                .filter(delay -> delay.compareTo(minDelay) > 0)
                .map(delay -> new SiteLimits(maxConcurrency, delay))
                .orElse(this);
    }
}
