package dev.trawl.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A {@code SELECT 1} round trip: down when it fails, degraded when slower than the threshold. */
@Readiness
@ApplicationScoped
public class PostgresqlReadiness implements AsyncHealthCheck {

    static final String NAME = "trawl-postgresql";

    private final Pool pool;
    private final HealthConfig config;
    private final DependencyUp dependencies;

    public PostgresqlReadiness(Pool pool, HealthConfig config, DependencyUp dependencies) {
        this.pool = pool;
        this.config = config;
        this.dependencies = dependencies;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return ComponentReport.of(
                NAME,
                config.timeout(),
                Uni.createFrom().deferred(() -> {
                    long start = System.nanoTime();
                    return pool.query("SELECT 1").execute().map(rows -> {
                        Duration took = Duration.ofNanos(System.nanoTime() - start);
                        Duration threshold = config.postgresql().slowAfter();
                        return took.compareTo(threshold) > 0
                                ? Verdict.degraded("round trip " + took.toMillis() + " ms, slower than "
                                        + threshold.toMillis() + " ms")
                                : Verdict.up("round trip " + took.toMillis() + " ms");
                    });
                }),
                Verdict.Level.DOWN,
                reached -> dependencies.record(DependencyUp.Dependency.POSTGRESQL, reached));
    }
}
