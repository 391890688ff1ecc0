package dev.trawl.queue;

import dev.trawl.batch.Batcher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Acknowledging a message removes its entry from the group's pending list (XACK). Acks that
 * arrive while others are on their way go together: one XACK per stream naming every entry, all
 * in one round trip.
 */
final class RedisStreamsAckHandler {

    static final String KEY_SEPARATOR = "\u0000";
    private static final int MAX_BATCH = 512;

    private final Redis commands;
    private final String group;
    private final Set<String> inFlight;
    private final Batcher<StreamEntry, Void> acks;

    RedisStreamsAckHandler(Redis commands, String group, Set<String> inFlight) {
        this.commands = commands;
        this.group = group;
        this.inFlight = inFlight;
        this.acks = new Batcher<>(MAX_BATCH, 1, this::ackAll);
    }

    static String inFlightKey(StreamEntry entry) {
        return entry.stream() + KEY_SEPARATOR + entry.id();
    }

    CompletionStage<Void> handle(StreamEntry entry) {
        return acks.submit(entry).subscribeAsCompletionStage();
    }

    private Uni<List<Void>> ackAll(List<StreamEntry> entries) {
        Map<String, Request> byStream = new LinkedHashMap<>();
        for (StreamEntry entry : entries) {
            byStream.computeIfAbsent(
                            entry.stream(),
                            stream -> Request.cmd(Command.XACK).arg(stream).arg(group))
                    .arg(entry.id());
        }
        List<Request> requests = new ArrayList<>(byStream.values());
        Uni<?> sent = requests.size() == 1 ? commands.send(requests.get(0)) : commands.batch(requests);
        return sent.map(replies -> {
            entries.forEach(entry -> inFlight.remove(inFlightKey(entry)));
            return Collections.nCopies(entries.size(), null);
        });
    }
}
