package dev.trawl.health;

import dev.trawl.ratelimit.RateLimitConfig;
import dev.trawl.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Always UP (the pod still limits, on its own, while Redis is out), but says {@code degraded}
 * while rate limits are decided per pod instead of for the cluster.
 */
@Readiness
@ApplicationScoped
public class RateLimiterMode implements HealthCheck {

    private final RateLimiter limiter;
    private final RateLimitConfig config;

    public RateLimiterMode(RateLimiter limiter, RateLimitConfig config) {
        this.limiter = limiter;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        String mode = !config.enabled()
                ? "off"
                : limiter.decidingAlone() ? "degraded: per pod (Redis unavailable)" : "cluster";
        return HealthCheckResponse.named("trawl-rate-limits")
                .up()
                .withData("mode", mode)
                .build();
    }
}
