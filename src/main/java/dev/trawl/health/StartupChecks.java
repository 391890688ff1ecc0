package dev.trawl.health;

import dev.trawl.events.EventLog;
import dev.trawl.queue.RedisStreamsConnector;
import dev.trawl.queue.RedisStreamsIncomingChannel;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logging.Logger;

/**
 * The startup probe: migrations applied, the event script loaded into Redis, and, on a worker,
 * the consumer groups created. Kubernetes holds traffic and liveness checks until all three hold.
 */
@Startup
@ApplicationScoped
public class StartupChecks implements AsyncHealthCheck {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);

    private final EventLog events;
    private final RedisStreamsConnector connector;
    private final RolesConfig roles;
    private final Pool pool;
    private final HealthConfig health;

    public StartupChecks(
            EventLog events,
            @Connector(RedisStreamsConnector.NAME) RedisStreamsConnector connector,
            RolesConfig roles,
            Pool pool,
            HealthConfig health) {
        this.health = health;
        this.events = events;
        this.connector = connector;
        this.roles = roles;
        this.pool = pool;
    }

    void loadScripts(@Observes StartupEvent event) {
        events.loadScript()
                .onFailure()
                .invoke(failure -> LOG.warnf("Loading Lua scripts failed, retrying: %s", failure.getMessage()))
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .indefinitely()
                .subscribe()
                .with(ok -> LOG.debug("Lua scripts loaded"));
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        boolean groupsReady = !roles.runs(Role.WORKER)
                || connector.incomingChannels().stream().allMatch(RedisStreamsIncomingChannel::groupsReady);
        return pool.query("SELECT count(*) AS applied FROM flyway_schema_history WHERE success")
                .execute()
                .map(rows -> rows.iterator().next().getLong("applied"))
                .ifNoItem()
                .after(health.timeout())
                .fail()
                .onFailure()
                .recoverWithItem(-1L)
                .map(applied -> HealthCheckResponse.named("trawl-startup")
                        .status(applied > 0 && events.scriptLoaded() && groupsReady)
                        .withData("migrationsApplied", applied)
                        .withData("scriptsLoaded", events.scriptLoaded())
                        .withData("consumerGroupsReady", groupsReady)
                        .build());
    }
}
