package dev.trawl.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the process answers. It asks no dependency on purpose, so an outage of Redis or
 * PostgreSQL takes pods out of service (readiness) but never has Kubernetes restart them all.
 */
@Liveness
@ApplicationScoped
public class Alive implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("trawl-alive");
    }
}
