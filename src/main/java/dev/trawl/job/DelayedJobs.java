package dev.trawl.job;

import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Jobs waiting for their next attempt: the sorted set {@code <prefix>jobs:delayed}, job ids scored
 * by due time in ms. No worker sleeps on a retry; a mover takes due ids out and queues them.
 */
@ApplicationScoped
public class DelayedJobs {

    private static final LuaScript TAKE_DUE = LuaScript.fromResource("lua/delayed_take_due.lua");

    private final Redis redis;
    private final RedisKeys keys;

    public DelayedJobs(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** A job due for its next attempt at {@code at}. */
    public record Due(UUID jobId, Instant at) {}

    public Uni<Void> schedule(UUID jobId, Instant due) {
        return scheduleAll(List.of(new Due(jobId, due)));
    }

    /** Adds (or moves) every job to its due time, in one ZADD. */
    public Uni<Void> scheduleAll(List<Due> jobs) {
        if (jobs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Request add = Request.cmd(Command.ZADD).arg(keys.delayedJobs());
        jobs.forEach(job -> add.arg(job.at().toEpochMilli()).arg(job.jobId().toString()));
        return redis.send(add).replaceWithVoid();
    }

    /** Removes and returns up to {@code limit} jobs due at {@code now}. */
    public Uni<List<UUID>> takeDue(Instant now, int limit) {
        return TAKE_DUE.run(
                        redis,
                        List.of(keys.delayedJobs()),
                        List.of(Long.toString(now.toEpochMilli()), Integer.toString(limit)))
                .map(DelayedJobs::ids);
    }

    private static List<UUID> ids(Response reply) {
        List<UUID> ids = new ArrayList<>();
        if (reply != null) {
            for (Response id : reply) {
                JobIds.parse(id.toString()).ifPresent(ids::add);
            }
        }
        return ids;
    }
}
