package dev.trawl.queue;

import dev.trawl.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes dead consumers from the group. Every pod start joins under a new name, so without this
 * the group keeps a consumer for every worker that ever ran. A consumer is deleted once it owns
 * no pending entry (a dead one's were taken over) and has been idle past the expiry; the check
 * and the XGROUP DELCONSUMER are one script, so a live consumer's pending entries are never lost
 * (see {@code group_delete_idle_consumers.lua}).
 */
final class IdleConsumers {

    private static final LuaScript DELETE_IDLE = LuaScript.fromResource("lua/group_delete_idle_consumers.lua");

    private final Redis commands;
    private final String group;
    private final String self;
    private final long expiryMs;

    IdleConsumers(Redis commands, String group, String self, long expiryMs) {
        this.commands = commands;
        this.group = group;
        this.self = self;
        this.expiryMs = expiryMs;
    }

    /** The consumers deleted from the group of each stream. */
    Uni<List<String>> deleteExpired(List<String> streams) {
        Uni<List<String>> deleted = Uni.createFrom().item(new ArrayList<>());
        for (String stream : streams) {
            deleted = deleted.chain(acc -> DELETE_IDLE
                    .run(commands, List.of(stream), List.of(group, String.valueOf(expiryMs), self))
                    .map(reply -> {
                        for (Response name : reply) {
                            acc.add(name.toString());
                        }
                        return acc;
                    }));
        }
        return deleted;
    }
}
