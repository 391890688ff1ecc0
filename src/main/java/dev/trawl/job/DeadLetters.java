package dev.trawl.job;

import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The dead-letter stream {@code <prefix>jobs:dead}: a job that ran out of attempts (or failed
 * permanently) is XADDed here when it ends {@code failed}. PostgreSQL keeps the job and its
 * error history; the stream is the list an operator works through, newest first. It is kept to
 * {@code trawl.retention.dead-letters} entries and to the jobs' retention by the retention sweeper.
 */
@ApplicationScoped
public class DeadLetters {

    private final Redis redis;
    private final RedisKeys keys;

    public DeadLetters(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Dead letters for jobs that failed (at their {@code at}), appended in order in one round trip. */
    public Uni<Void> recordAll(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> adds = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            adds.add(Request.cmd(Command.XADD)
                    .arg(keys.deadLetters())
                    .arg("*")
                    .arg("job")
                    .arg(letter.jobId().toString())
                    .arg("url")
                    .arg(letter.url())
                    .arg("code")
                    .arg(letter.errorCode() == null ? "unknown" : letter.errorCode())
                    .arg("attempts")
                    .arg(Integer.toString(letter.attempts()))
                    .arg("at")
                    .arg(letter.at().toString()));
        }
        return redis.batch(adds).replaceWithVoid();
    }

    /**
     * Trims the stream to its newest {@code maxEntries} and drops entries older than
     * {@code olderThan} (their jobs are past their retention); the item is how many it removed.
     * Both trims are idempotent, so sweepers on several pods may run them at once.
     */
    public Uni<Long> trim(long maxEntries, Instant olderThan) {
        String key = keys.deadLetters();
        return redis.batch(List.of(
                        Request.cmd(Command.XTRIM).arg(key).arg("MINID").arg(olderThan.toEpochMilli() + "-0"),
                        Request.cmd(Command.XTRIM).arg(key).arg("MAXLEN").arg(Long.toString(maxEntries))))
                .map(replies -> {
                    long removed = 0;
                    for (Response reply : replies) {
                        removed += reply == null ? 0 : reply.toLong();
                    }
                    return removed;
                });
    }

    /** Deletes the entries with these ids (their jobs stay as they are); the item is how many there were. */
    public Uni<Long> delete(List<String> entryIds) {
        if (entryIds.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        Request xdel = Request.cmd(Command.XDEL).arg(keys.deadLetters());
        entryIds.forEach(xdel::arg);
        return redis.send(xdel).map(reply -> reply == null ? 0L : reply.toLong());
    }

    /** Up to {@code limit} entries, newest first, older than the entry {@code before} when it is given. */
    public Uni<List<DeadLetter>> newestFirst(Optional<String> before, int limit) {
        String end = before.map(id -> "(" + id).orElse("+");
        return redis.send(Request.cmd(Command.XREVRANGE)
                        .arg(keys.deadLetters())
                        .arg(end)
                        .arg("-")
                        .arg("COUNT")
                        .arg(Integer.toString(limit)))
                .map(DeadLetters::entries);
    }

    /**
     * The ids of the jobs the stream holds letters for, read in pages of {@code pageSize}; the
     * stream is capped by the retention sweeper, so the set is bounded by that cap.
     */
    public Uni<Set<UUID>> jobIds(int pageSize) {
        return jobIdsAfter("-", pageSize, new HashSet<>());
    }

    private Uni<Set<UUID>> jobIdsAfter(String start, int pageSize, Set<UUID> found) {
        return redis.send(Request.cmd(Command.XRANGE)
                        .arg(keys.deadLetters())
                        .arg(start)
                        .arg("+")
                        .arg("COUNT")
                        .arg(Integer.toString(pageSize)))
                .chain(reply -> {
                    entries(reply).forEach(letter -> found.add(letter.jobId()));
                    if (reply == null || reply.size() < pageSize) {
                        return Uni.createFrom().item(found);
                    }
                    return jobIdsAfter("(" + reply.get(reply.size() - 1).get(0), pageSize, found);
                });
    }

    private static List<DeadLetter> entries(Response reply) {
        List<DeadLetter> letters = new ArrayList<>();
        if (reply == null) {
            return letters;
        }
        for (Response entry : reply) {
            Map<String, String> fields = new HashMap<>();
            Response pairs = entry.get(1);
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                fields.put(pairs.get(i).toString(), pairs.get(i + 1).toString());
            }
            Optional<UUID> job = JobIds.parse(fields.getOrDefault("job", ""));
            if (job.isEmpty()) {
                continue;
            }
            letters.add(new DeadLetter(
                    entry.get(0).toString(),
                    job.get(),
                    fields.get("url"),
                    fields.get("code"),
                    Integer.parseInt(fields.getOrDefault("attempts", "0")),
                    Instant.parse(fields.get("at"))));
        }
        return letters;
    }
}
