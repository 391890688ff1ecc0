package dev.trawl.health;

import dev.trawl.scrape.HeapUsage;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The share of the maximum heap in use. */
@Readiness
@ApplicationScoped
public class HeapReadiness implements AsyncHealthCheck {

    static final String NAME = "trawl-heap";

    private final HeapUsage heap;
    private final HealthConfig config;

    public HeapReadiness(HeapUsage heap, HealthConfig config) {
        this.heap = heap;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthConfig.Heap limits = config.heap();
        return ComponentReport.of(
                NAME,
                config.timeout(),
                Uni.createFrom()
                        .item(() -> Verdict.ofShareUsed(
                                "heap in use",
                                100 * heap.fraction(),
                                limits.warnAbovePercent(),
                                limits.failAbovePercent())));
    }
}
