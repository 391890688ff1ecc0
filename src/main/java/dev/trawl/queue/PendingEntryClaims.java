package dev.trawl.queue;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Takes over entries other consumers left pending past the minimum idle time, with XAUTOCLAIM.
 *
 * <p>One XAUTOCLAIM looks at no more than ten times its COUNT pending entries and answers with
 * the cursor to go on from. A walk that always started again at {@code 0-0} would look at the
 * same head of the pending list for ever: with enough live in-flight entries in front of them, a
 * dead consumer's entries further on would never be reached. So each stream keeps its cursor
 * between passes, a pass follows it until the pending list wraps to {@code 0-0} or the batch is
 * full, and the next pass starts where this one stopped.
 */
final class PendingEntryClaims {

    private static final Logger LOG = Logger.getLogger(PendingEntryClaims.class);
    static final String START = "0-0";

    private final Redis commands;
    private final String group;
    private final String consumer;
    private final long minIdleMs;
    private final String channel;
    private final Map<String, String> cursors = new ConcurrentHashMap<>();

    PendingEntryClaims(Redis commands, String group, String consumer, long minIdleMs, String channel) {
        this.commands = commands;
        this.group = group;
        this.consumer = consumer;
        this.minIdleMs = minIdleMs;
        this.channel = channel;
    }

    /**
     * One pass over the streams in priority order: up to {@code wanted} entries taken over, less
     * those {@code alreadyHeld} says this consumer holds.
     */
    Uni<List<StreamEntry>> pass(List<String> streams, int wanted, Predicate<StreamEntry> alreadyHeld) {
        Uni<List<StreamEntry>> claimed = Uni.createFrom().item(new ArrayList<>());
        for (String stream : streams) {
            claimed = claimed.chain(
                    acc -> acc.size() >= wanted ? Uni.createFrom().item(acc) : walk(stream, wanted, alreadyHeld, acc));
        }
        return claimed;
    }

    /** True while some stream's pending list has not been walked to its end since the last wrap. */
    boolean walkUnfinished() {
        return cursors.values().stream().anyMatch(cursor -> !START.equals(cursor));
    }

    /** The streams were created anew (Redis lost them): their old cursors mean nothing now. */
    void restart() {
        cursors.clear();
    }

    private Uni<List<StreamEntry>> walk(
            String stream, int wanted, Predicate<StreamEntry> alreadyHeld, List<StreamEntry> acc) {
        String from = cursors.getOrDefault(stream, START);
        Request request = Request.cmd(Command.XAUTOCLAIM)
                .arg(stream)
                .arg(group)
                .arg(consumer)
                .arg(minIdleMs)
                .arg(from)
                .arg("COUNT")
                .arg(wanted - acc.size());
        return commands.send(request).chain(reply -> {
            String next = nextCursor(reply);
            cursors.put(stream, next);
            List<StreamEntry> entries = StreamEntry.fromClaimReply(stream, reply);
            if (!entries.isEmpty()) {
                LOG.infof(
                        "Channel %s: took over %d entries of %s idle for over %d ms",
                        channel, entries.size(), stream, minIdleMs);
            }
            entries.stream().filter(alreadyHeld.negate()).forEach(acc::add);
            return START.equals(next) || acc.size() >= wanted
                    ? Uni.createFrom().item(acc)
                    : walk(stream, wanted, alreadyHeld, acc);
        });
    }

    private static String nextCursor(Response reply) {
        return reply == null || reply.size() == 0 || reply.get(0) == null
                ? START
                : reply.get(0).toString();
    }
}
