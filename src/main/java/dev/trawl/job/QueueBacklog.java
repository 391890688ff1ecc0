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
 * ({@code trawl_queue_pending}), refreshed from XINFO GROUPS every few seconds, and how many
 * entries the stream holds ({@code trawl_queue_depth}, XLEN). Redis reports the lag from 7.0 on;
 * where it cannot (6.2, or 7.x after deletions it cannot count past) the gauge reads NaN rather
 * than a 0 that would scale the workers in.
 */
@ApplicationScoped
public class QueueBacklog {

    private static final Logger LOG = Logger.getLogger(QueueBacklog.class);
    private static final long REFRESH_MS = 5_000;
    private static final long UNKNOWN = -1;

    private final Redis redis;
    private final RedisKeys keys;
    private final Vertx vertx;
    private final String group;
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();
    private volatile long timer = -1;

    public QueueBacklog(
            Redis redis,
            RedisKeys keys,
            Vertx vertx,
            MeterRegistry registry,
            @ConfigProperty(name = "mp.messaging.incoming.jobs.group", defaultValue = "workers") String group) {
        this.redis = redis;
        this.keys = keys;
        this.vertx = vertx;
        this.group = group;
        for (Priority priority : Priority.values()) {
            String stream = keys.jobStream(priority.wireName());
            lag.put(stream, new AtomicLong());
            pending.put(stream, new AtomicLong());
            depth.put(stream, new AtomicLong());
            Gauge.builder("trawl.queue.lag", lag.get(stream), QueueBacklog::lagOrUnknown)
                    .tag("stream", stream)
                    .description(
                            "Entries of the stream the worker group has not read yet (NaN where Redis cannot tell)")
                    .register(registry);
            Gauge.builder("trawl.queue.depth", depth.get(stream), AtomicLong::get)
                    .tag("stream", stream)
                    .description("Entries the stream holds, read or not (XLEN)")
                    .register(registry);
            Gauge.builder("trawl.queue.pending", pending.get(stream), AtomicLong::get)
                    .tag("stream", stream)
                    .description("Entries read by a worker and not yet acknowledged")
                    .register(registry);
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
            progress(priority)
                    .subscribe()
                    .with(
                            found -> found.ifPresent(progress -> {
                                lag.get(stream).set(progress.lag() == null ? UNKNOWN : progress.lag());
                                pending.get(stream).set(progress.pending());
                            }),
                            failure -> LOG.debugf("XINFO GROUPS %s failed: %s", stream, failure.getMessage()));
            redis.send(Request.cmd(Command.XLEN).arg(stream))
                    .subscribe()
                    .with(
                            length -> depth.get(stream).set(length == null ? 0 : length.toLong()),
                            failure -> LOG.debugf("XLEN %s failed: %s", stream, failure.getMessage()));
        }
    }

    private static double lagOrUnknown(AtomicLong lag) {
        long entries = lag.get();
        return entries == UNKNOWN ? Double.NaN : entries;
    }

    /** The worker group's progress through the work stream of {@code priority}, read now; empty without a group. */
    public Uni<Optional<GroupProgress>> progress(Priority priority) {
        return redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(keys.jobStream(priority.wireName())))
                .map(groups -> GroupProgress.of(groups, group));
    }
}
