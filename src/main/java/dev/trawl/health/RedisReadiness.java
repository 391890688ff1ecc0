package dev.trawl.health;

import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A {@code PING}. Without Redis a worker can do nothing, so a worker-only pod is down; a pod that
 * serves the API stays ready, degraded, because the reads that need only PostgreSQL still work
 * (docs/operations.md, "Health").
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    static final String NAME = "trawl-redis";

    private final Redis redis;
    private final RolesConfig roles;
    private final HealthConfig config;
    private final DependencyUp dependencies;

    public RedisReadiness(Redis redis, RolesConfig roles, HealthConfig config, DependencyUp dependencies) {
        this.redis = redis;
        this.roles = roles;
        this.config = config;
        this.dependencies = dependencies;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return ComponentReport.of(
                NAME,
                config.timeout(),
                redis.send(Request.cmd(Command.PING)).map(answer -> Verdict.up("PING answered")),
                roles.runs(Role.API) ? Verdict.Level.DEGRADED : Verdict.Level.DOWN,
                reached -> dependencies.record(DependencyUp.Dependency.REDIS, reached));
    }
}
