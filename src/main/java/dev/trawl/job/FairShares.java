package dev.trawl.job;

import dev.trawl.queue.RedisStreamsConnector;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Takes turns between callers on the shared work streams. A caller has at most its tier's
 * {@code max-in-flight} jobs on the streams or running at once, across the fleet; its other jobs
 * wait in Redis (highest priority first, then in order) and each job of the caller that ends lets
 * the next one on. So a caller with 10,000 jobs queued has only its share ahead of anyone else's
 * job, and a caller alone still gets the whole fleet up to its cap. Jobs waiting their turn are
 * {@code queued} in PostgreSQL like any other; the stranded-job sweep leaves them alone
 * ({@link #held}) and a periodic sweep gives back the places of jobs that ended while Redis missed
 * it ({@link #tracked}).
 */
@ApplicationScoped
public class FairShares {

    private static final LuaScript ADMIT = LuaScript.fromResource("lua/fair_admit.lua");
    private static final LuaScript RELEASE = LuaScript.fromResource("lua/fair_release.lua");
    private static final LuaScript HELD = LuaScript.fromResource("lua/fair_held.lua");

    /** One step of a walk over every job that holds or waits for a place; cursor "0" starts it again. */
    public record Tracked(List<UUID> jobs, String cursor) {}

    /** How many jobs a caller has in flight and waiting. */
    public record Backlog(long inFlight, long waiting) {

        public long total() {
            return inFlight + waiting;
        }
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final String prefix;
    private final String maxLength;
    private final boolean enforced;

    public FairShares(
            Redis redis,
            RedisKeys keys,
            @ConfigProperty(name = "mp.messaging.outgoing.jobs-out.max-length", defaultValue = "1000000")
                    long maxLength,
            @ConfigProperty(name = "trawl.tiers.enforced", defaultValue = "true") boolean enforced) {
        this.redis = redis;
        this.keys = keys;
        this.prefix = keys.fairShares();
        this.maxLength = Long.toString(maxLength);
        this.enforced = enforced;
    }

    /** Puts each job on its stream if its caller has a place free, else in the caller's line; one call. */
    public Uni<Void> admit(List<QueuedJob> jobs) {
        List<String> args = new ArrayList<>(3 + jobs.size() * 5);
        args.add(prefix);
        args.add(maxLength);
        args.add(RedisStreamsConnector.PAYLOAD_FIELD);
        for (QueuedJob job : jobs) {
            args.add(job.id().toString());
            args.add(keys.jobStream(job.priority().wireName()));
            args.add(Integer.toString(job.priority().ordinal()));
            args.add(job.share().owner());
            args.add(Integer.toString(job.share().maxInFlight()));
        }
        return ADMIT.run(redis, List.of(), args).replaceWithVoid();
    }

    /** Frees the places of jobs that ended and lets their callers' next jobs on; the item is how many went on. */
    public Uni<Integer> release(List<UUID> ended) {
        if (ended.isEmpty() || !enforced) {
            return Uni.createFrom().item(0);
        }
        return releaseNow(ended);
    }

    /** As {@link #release}, also when turns are not enforced (leftovers from a time they were). */
    public Uni<Integer> releaseNow(List<UUID> ended) {
        if (ended.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<String> args = new ArrayList<>(6 + ended.size());
        args.add(prefix);
        args.add(maxLength);
        args.add(RedisStreamsConnector.PAYLOAD_FIELD);
        for (Priority priority : Priority.values()) {
            args.add(keys.jobStream(priority.wireName()));
        }
        ended.forEach(id -> args.add(id.toString()));
        return RELEASE.run(redis, List.of(), args).map(Response::toInteger);
    }

    /** Those of the jobs that wait their turn, off the streams on purpose. */
    public Uni<Set<UUID>> held(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<String> args = new ArrayList<>(1 + ids.size());
        args.add(prefix);
        ids.forEach(id -> args.add(id.toString()));
        return HELD.run(redis, List.of(), args).map(flags -> {
            Set<UUID> held = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                if (flags.get(i).toInteger() == 1) {
                    held.add(ids.get(i));
                }
            }
            return held;
        });
    }

    /** The caller's jobs in flight and waiting (both 0 for a caller without a cap). */
    public Uni<Backlog> backlog(String owner) {
        return redis.batch(List.of(
                        Request.cmd(Command.SCARD).arg(prefix + owner + ":running"),
                        Request.cmd(Command.ZCARD).arg(prefix + owner + ":held")))
                .map(replies ->
                        new Backlog(replies.get(0).toLong(), replies.get(1).toLong()));
    }

    /** One step (about {@code count} jobs) of a walk over every job that holds or waits for a place. */
    public Uni<Tracked> tracked(String cursor, int count) {
        return redis.send(Request.cmd(Command.HSCAN)
                        .arg(prefix + "owners")
                        .arg(cursor)
                        .arg("COUNT")
                        .arg(count))
                .map(reply -> {
                    List<UUID> jobs = new ArrayList<>();
                    Response pairs = reply.get(1);
                    for (int i = 0; i < pairs.size(); i += 2) {
                        JobIds.parse(pairs.get(i).toString()).ifPresent(jobs::add);
                    }
                    return new Tracked(jobs, reply.get(0).toString());
                });
    }
}
