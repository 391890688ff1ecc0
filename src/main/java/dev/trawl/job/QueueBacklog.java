package dev.trawl.job;

import dev.trawl.redis.RedisKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The autoscaling signal: per work stream, how many entries the {@code workers} group has not
 * read yet ({@code trawl_queue_lag}) and how many it read but has not acknowledged
 * ({@code trawl_queue_pending}), refreshed from XINFO GROUPS every few seconds.
 */
@ApplicationScoped
public class QueueBacklog {

    private static final Logger LOG = Logger.getLogger(QueueBacklog.class);
    private static final long REFRESH_MS = 5_000;

    private final Redis redis;
    private final RedisKeys keys;
    private final Vertx vertx;
    private final String group;
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private volatile long timer = -1;

    public QueueBacklog(Redis redis, RedisKeys keys, Vertx vertx, MeterRegistry registry,
            @ConfigProperty(name = "mp.messaging.incoming.jobs.group", defaultValue = "workers") String group) {
        this.redis = redis;
        this.keys = keys;
        this.vertx = vertx;
        this.group = group;
        for (Priority priority : Priority.values()) {
            String stream = keys.jobStream(priority.wireName());
            lag.put(stream, new AtomicLong());
            pending.put(stream, new AtomicLong());
            Gauge.builder("trawl.queue.lag", lag.get(stream), AtomicLong::get).tag("stream", stream)
                    .description("Entries of the stream the worker group has not read yet").register(registry);
            Gauge.builder("trawl.queue.pending", pending.get(stream), AtomicLong::get).tag("stream", stream)
                    .description("Entries read by a worker and not yet acknowledged").register(registry);
        }
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void refresh() {
        for (Priority priority : Priority.values()) {
            String stream = keys.jobStream(priority.wireName());
            progress(priority).subscribe().with(found -> found.ifPresent(progress -> {
                lag.get(stream).set(progress.lag() == null ? 0 : progress.lag());
                pending.get(stream).set(progress.pending());
            }), failure -> LOG.debugf("XINFO GROUPS %s failed: %s", stream, failure.getMessage()));
        }
    }

    /** The worker group's progress through the work stream of {@code priority}, read now; empty without a group. */
    public Uni<Optional<GroupProgress>> progress(Priority priority) {
        return redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(keys.jobStream(priority.wireName())))
                .map(groups -> GroupProgress.of(groups, group));
    }
}
