package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Per-site politeness held in Redis for the whole cluster; the defaults of a site without a profile. */
@ConfigMapping(prefix = "trawl.politeness")
public interface PolitenessConfig {

    /** Requests to one site in flight at once, across all worker pods. */
    @WithDefault("2")
    int maxConcurrency();

    /** Least time between the starts of two requests to one site, across all worker pods. */
    @WithDefault("500MS")
    Duration minDelay();

    /**
     * How long a permit holds its slot unless renewed: a worker that dies holding a permit frees
     * the slot after this long. The worker renews its permits every third of it while it fetches.
     */
    @WithDefault("30S")
    Duration permitLease();

    /** A site's Retry-After is honoured up to this long, so one header cannot park a site for days. */
    @WithDefault("10M")
    Duration maxRetryAfter();

    /**
     * While every slot of a site is taken, a waiting acquire asks Redis again after at most this
     * long (sooner if a lease runs out first). Lower is snappier, higher costs Redis less.
     */
    @WithDefault("100MS")
    Duration busyRetry();

    /** The longest single wait between two tries, so a waiter notices a pause lifted by an operator. */
    @WithDefault("5S")
    Duration maxWaitStep();
}
