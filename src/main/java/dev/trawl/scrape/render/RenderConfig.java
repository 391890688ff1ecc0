package dev.trawl.scrape.render;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The pool of render backends: services that answer {@code POST {base}/content} with rendered HTML. */
@ConfigMapping(prefix = "trawl.render")
public interface RenderConfig {

    /** Base URLs, e.g. {@code http://browserless-0.render:3000,http://browserless-1.render:3000?token=…}. */
    Optional<List<String>> backends();

    /** Time for one render on one backend. */
    @WithDefault("30S")
    Duration timeout();

    /** Passes over the pool (each trying every backend whose breaker lets it) before a render fails. */
    @WithDefault("3")
    int maxAttempts();

    /** Pause before the second pass; doubled for each further pass, with jitter. */
    @WithDefault("200MS")
    Duration initialBackoff();

    @WithDefault("5S")
    Duration maxBackoff();

    Breaker breaker();

    /** One circuit breaker per backend. */
    interface Breaker {

        /** Share of failures among the last {@code request-volume-threshold} requests that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        @WithDefault("4")
        int requestVolumeThreshold();

        /** How long an open breaker keeps its backend out before one trial request is let through. */
        @WithDefault("10S")
        Duration delay();
    }
}
