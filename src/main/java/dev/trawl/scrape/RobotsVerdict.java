package dev.trawl.scrape;

import java.time.Duration;
import java.util.Optional;

/**
 * What an origin's robots.txt says about one URL for our robot.
 *
 * @param allowed whether we may fetch the URL
 * @param crawlDelay the site's Crawl-delay for us, if it gives one
 * @param unreachable the URL is disallowed only because robots.txt could not be fetched (RFC 9309
 *     §2.3.1.4: assume complete disallow). That is temporary, unlike a rule: treat it as a
 *     transient failure and try again after {@code trawl.robots.error-ttl}.
 */
public record RobotsVerdict(boolean allowed, Optional<Duration> crawlDelay, boolean unreachable) {

    public RobotsVerdict(boolean allowed, Optional<Duration> crawlDelay) {
        this(allowed, crawlDelay, false);
    }

    static final RobotsVerdict ALLOW_ALL = new RobotsVerdict(true, Optional.empty());
    static final RobotsVerdict UNREACHABLE = new RobotsVerdict(false, Optional.empty(), true);
}
