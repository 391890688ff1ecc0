package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "trawl.fetch")
public interface FetchConfig {

    /**
     * Off by default: requests to loopback, private, link-local, CGNAT and metadata addresses are
     * refused. Turn on only for tests and trusted networks.
     */
    @WithDefault("false")
    boolean allowPrivateNetworks();

    /**
     * Addresses or CIDR ranges that may be fetched even though they are private (trusted
     * networks, test sites). Literals only: a host name could be made to resolve anywhere.
     */
    Optional<List<String>> allowList();

    @WithDefault("TrawlBot/0.1 (+https://github.com/trawl-dev/trawl; scrape jobs on behalf of API clients)")
    String userAgent();

    @WithDefault("10S")
    Duration connectTimeout();

    /** Time for one whole request, per hop. */
    @WithDefault("30S")
    Duration requestTimeout();

    @WithDefault("5")
    int maxRedirects();

    /** Larger bodies fail the page as oversize. */
    @WithDefault("10485760")
    long maxBodyBytes();

    /** Drop tracking parameters (utm_*, gclid, fbclid, ...) from the links of a page, so a crawl sees one URL per page. */
    @WithDefault("true")
    boolean stripTrackingParams();

    /**
     * Pages up to this size are parsed on the event loop they arrived on (tens of microseconds);
     * larger ones on a worker thread, so a big page never holds up other requests.
     */
    @WithDefault("16384")
    int inlineExtractionBytes();

    /** Links kept per page. */
    @WithDefault("1000")
    int maxLinks();
}
