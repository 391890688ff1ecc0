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
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Pausing a priority's queue: its stream key goes into the Redis set {@link RedisKeys#pausedQueues()},
 * which every worker's channel reads every {@code pause-refresh-ms}; so a pause holds across pods
 * and restarts (while Redis keeps its data) and costs the hot path nothing. Jobs keep being
 * accepted into a paused queue; they wait there. {@code trawl_queue_paused} shows it per stream.
 */
@ApplicationScoped
public class QueuePauses {

    private static final Logger LOG = Logger.getLogger(QueuePauses.class);
    private static final long REFRESH_MS = 5_000;

    private final Redis redis;
    private final RedisKeys keys;
    private final Vertx vertx;
    private final Map<Priority, AtomicBoolean> seen = new EnumMap<>(Priority.class);
    private volatile long timer = -1;

    public QueuePauses(Redis redis, RedisKeys keys, Vertx vertx, MeterRegistry registry) {
        this.redis = redis;
        this.keys = keys;
        this.vertx = vertx;
        for (Priority priority : Priority.values()) {
            AtomicBoolean paused = new AtomicBoolean();
            seen.put(priority, paused);
            Gauge.builder("trawl.queue.paused", paused, p -> p.get() ? 1 : 0)
                    .tag("stream", keys.jobStream(priority.wireName()))
                    .description("1 while the queue is paused: workers take no new job from it")
                    .register(registry);
        }
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(
                REFRESH_MS,
                id -> paused().subscribe()
                        .with(
                                ignored -> {},
                                failure -> LOG.debugf("Reading the paused queues failed: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public Uni<Void> pause(Priority priority) {
        return redis.send(Request.cmd(Command.SADD).arg(keys.pausedQueues()).arg(keys.jobStream(priority.wireName())))
                .invoke(() -> seen.get(priority).set(true))
                .replaceWithVoid();
    }

    public Uni<Void> resume(Priority priority) {
        return redis.send(Request.cmd(Command.SREM).arg(keys.pausedQueues()).arg(keys.jobStream(priority.wireName())))
                .invoke(() -> seen.get(priority).set(false))
                .replaceWithVoid();
    }

    /** The priorities paused now, read from Redis. */
    public Uni<Set<Priority>> paused() {
        return redis.send(Request.cmd(Command.SMEMBERS).arg(keys.pausedQueues()))
                .map(reply -> {
                    Set<Priority> paused = EnumSet.noneOf(Priority.class);
                    for (Priority priority : Priority.values()) {
                        boolean isPaused = false;
                        if (reply != null) {
                            for (var member : reply) {
                                isPaused |= keys.jobStream(priority.wireName()).equals(member.toString());
                            }
                        }
                        seen.get(priority).set(isPaused);
                        if (isPaused) {
                            paused.add(priority);
                        }
                    }
                    return paused;
                });
    }
}
