package dev.trawl.job;

import dev.trawl.events.StreamIds;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The queues as they are now, read from Redis for {@code GET /v1/stats}: per priority the entries
 * held, not yet read by the workers (lag) and read but unacknowledged, how long the oldest unread
 * entry has waited, and whether the queue is paused; and how many workers are alive (consumers of
 * the group that polled within {@code trawl.stats.worker-idle}).
 */
@ApplicationScoped
public class QueueFigures {

    /** One priority's queue; {@code lag} is null where Redis cannot tell, {@code oldestWaitMs} 0 when none waits. */
    public record Queue(Priority priority, long depth, Long lag, long pending, long oldestWaitMs, boolean paused) {}

    private final Redis redis;
    private final RedisKeys keys;
    private final QueueBacklog backlog;
    private final QueuePauses pauses;
    private final String group;
    private final Duration workerIdle;

    public QueueFigures(
            Redis redis,
            RedisKeys keys,
            QueueBacklog backlog,
            QueuePauses pauses,
            @ConfigProperty(name = "mp.messaging.incoming.jobs.group", defaultValue = "workers") String group,
            StatsConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.backlog = backlog;
        this.pauses = pauses;
        this.group = group;
        this.workerIdle = config.workerIdle();
    }

    public Uni<List<Queue>> queues() {
        return pauses.paused().chain(paused -> {
            List<Uni<Queue>> reads = new ArrayList<>();
            for (Priority priority : Priority.values()) {
                reads.add(queue(priority, paused.contains(priority)));
            }
            return Uni.join().all(reads).andFailFast();
        });
    }

    private Uni<Queue> queue(Priority priority, boolean paused) {
        String stream = keys.jobStream(priority.wireName());
        Uni<Long> depth = redis.send(Request.cmd(Command.XLEN).arg(stream)).map(r -> r == null ? 0L : r.toLong());
        Uni<Optional<GroupProgress>> progress =
                backlog.progress(priority).onFailure().recoverWithItem(Optional.empty());
        return Uni.combine().all().unis(depth, progress).asTuple().chain(both -> {
            Optional<GroupProgress> group = both.getItem2();
            String after = group.map(GroupProgress::lastDeliveredId).orElse("0-0");
            return oldestUnreadAt(stream, after)
                    .map(oldest -> new Queue(
                            priority,
                            both.getItem1(),
                            // no group yet: nothing was read; a group whose lag Redis cannot tell: null
                            group.isPresent() ? group.get().lag() : both.getItem1(),
                            group.map(GroupProgress::pending).orElse(0L),
                            oldest.map(ms -> Math.max(0, System.currentTimeMillis() - ms))
                                    .orElse(0L),
                            paused));
        });
    }

    /** When the first entry after the group's last delivered one was added; empty when none is left. */
    private Uni<Optional<Long>> oldestUnreadAt(String stream, String lastDelivered) {
        return redis.send(Request.cmd(Command.XRANGE)
                        .arg(stream)
                        .arg("(" + lastDelivered)
                        .arg("+")
                        .arg("COUNT")
                        .arg("1"))
                .map(reply -> reply == null || reply.size() == 0
                        ? Optional.<Long>empty()
                        : Optional.of(StreamIds.millisOf(reply.get(0).get(0).toString())));
    }

    /** Consumers of the worker group, on any work stream, that polled within the idle bound. */
    public Uni<Integer> workersAlive() {
        List<Uni<Set<String>>> reads = new ArrayList<>();
        for (Priority priority : Priority.values()) {
            reads.add(redis.send(Request.cmd(Command.XINFO)
                            .arg("CONSUMERS")
                            .arg(keys.jobStream(priority.wireName()))
                            .arg(group))
                    .map(this::liveConsumers)
                    .onFailure()
                    .recoverWithItem(Set.of())); // no stream or group yet: no worker has polled it
        }
        return Uni.join().all(reads).andFailFast().map(sets -> {
            Set<String> all = new HashSet<>();
            sets.forEach(all::addAll);
            return all.size();
        });
    }

    private Set<String> liveConsumers(Response consumers) {
        Set<String> live = new HashSet<>();
        if (consumers == null) {
            return live;
        }
        for (Response consumer : consumers) {
            String name = null;
            long idle = Long.MAX_VALUE;
            if (consumer.isMap()) { // RESP3
                name = consumer.get("name") == null
                        ? null
                        : consumer.get("name").toString();
                idle = consumer.get("idle") == null
                        ? idle
                        : consumer.get("idle").toLong();
            } else {
                for (int i = 0; i + 1 < consumer.size(); i += 2) {
                    String field = consumer.get(i).toString();
                    if ("name".equals(field)) {
                        name = consumer.get(i + 1).toString();
                    } else if ("idle".equals(field)) {
                        idle = consumer.get(i + 1).toLong();
                    }
                }
            }
            if (name != null && idle <= workerIdle.toMillis()) {
                live.add(name);
            }
        }
        return live;
    }

    /** Entries the dead-letter stream holds. */
    public Uni<Long> deadLetters() {
        return redis.send(Request.cmd(Command.XLEN).arg(keys.deadLetters())).map(r -> r == null ? 0L : r.toLong());
    }
}
