package dev.trawl.queue;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Acknowledging a message removes its entry from the group's pending list (XACK). */
final class RedisStreamsAckHandler {

    static final String KEY_SEPARATOR = "\u0000";

    private final Redis commands;
    private final String group;
    private final Set<String> inFlight;

    RedisStreamsAckHandler(Redis commands, String group, Set<String> inFlight) {
        this.commands = commands;
        this.group = group;
        this.inFlight = inFlight;
    }

    static String inFlightKey(StreamEntry entry) {
        return entry.stream() + KEY_SEPARATOR + entry.id();
    }

    CompletionStage<Void> handle(StreamEntry entry) {
        return commands.send(Request.cmd(Command.XACK).arg(entry.stream()).arg(group).arg(entry.id()))
                .invoke(() -> inFlight.remove(inFlightKey(entry)))
                .replaceWithVoid()
                .subscribeAsCompletionStage();
    }
}
