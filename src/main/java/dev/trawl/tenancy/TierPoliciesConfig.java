package dev.trawl.tenancy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Optional;

/**
 * {@code trawl.tiers.*}: what each tier's callers may ask for and how much of the worker fleet
 * one caller may hold. The defaults are in application.properties; docs/api.md explains the rules.
 */
@ConfigMapping(prefix = "trawl.tiers")
public interface TierPoliciesConfig {

    /** Off for trusted deployments and benchmarks: no quota is checked and no caller waits its turn. */
    @WithDefault("true")
    boolean enforced();

    Policy anonymous();

    @WithName("api-key")
    Policy apiKey();

    Policy premium();

    Policy admin();

    interface Policy {

        /**
         * Jobs of one caller on the work streams or running at once, across the fleet; the rest
         * wait their turn in Redis, so a backlog never stands in front of another caller's job.
         * 0 for no cap.
         */
        int maxInFlight();

        /** Jobs of one caller not yet ended (waiting, queued, running or retrying); more is a 429. 0 for no limit. */
        int maxQueued();

        /** The largest {@code crawl.maxPages} (also bounded by {@code trawl.crawl.max-pages}). */
        int maxPages();

        /** Whether its jobs may ask for {@code render}. */
        boolean render();

        /** Site profiles whose sessions and headers its jobs may use; {@code *} for all, empty for none. */
        Optional<List<String>> profiles();
    }
}
