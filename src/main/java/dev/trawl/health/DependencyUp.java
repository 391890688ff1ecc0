package dev.trawl.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code trawl_dependency_up{dependency}}: 1 while this pod's last readiness round reached the
 * dependency, 0 once one did not (failed or no answer in time). The alerts on PostgreSQL and Redis
 * being unavailable take the maximum over pods, so one pod's network trouble pages nobody.
 */
@ApplicationScoped
public class DependencyUp {

    /** The dependencies a readiness component reaches. */
    public enum Dependency {
        POSTGRESQL("postgresql"),
        REDIS("redis");

        private final String label;

        Dependency(String label) {
            this.label = label;
        }
    }

    private final AtomicInteger[] up = new AtomicInteger[Dependency.values().length];

    public DependencyUp(MeterRegistry registry) {
        for (Dependency dependency : Dependency.values()) {
            // 1 until a round says otherwise: a pod that has not been probed yet pages nobody
            AtomicInteger value = new AtomicInteger(1);
            up[dependency.ordinal()] = value;
            Gauge.builder("trawl.dependency.up", value, AtomicInteger::get)
                    .tag("dependency", dependency.label)
                    .description("1 while this pod's last readiness check reached the dependency, else 0")
                    .register(registry);
        }
    }

    void record(Dependency dependency, boolean reached) {
        up[dependency.ordinal()].set(reached ? 1 : 0);
    }
}
