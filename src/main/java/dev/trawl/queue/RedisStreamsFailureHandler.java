package dev.trawl.queue;

import dev.trawl.queue.RedisStreamsChannelConfig.FailureStrategy;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * What a nack does to an entry: stay pending for XAUTOCLAIM to hand out again after the minimum
 * idle time (the default, so nothing is lost), be acknowledged and dropped, or be copied to a
 * dead-letter stream with the reason and then acknowledged.
 */
final class RedisStreamsFailureHandler {

    private static final Logger LOG = Logger.getLogger(RedisStreamsFailureHandler.class);

    private final Redis commands;
    private final String group;
    private final FailureStrategy strategy;
    private final Optional<String> deadLetterStream;
    private final RedisStreamsAckHandler ackHandler;
    private final Set<String> inFlight;

    RedisStreamsFailureHandler(
            Redis commands,
            String group,
            FailureStrategy strategy,
            Optional<String> deadLetterStream,
            RedisStreamsAckHandler ackHandler,
            Set<String> inFlight) {
        if (strategy == FailureStrategy.DEAD_LETTER && deadLetterStream.isEmpty()) {
            throw new IllegalArgumentException("failure-strategy dead-letter needs dead-letter-stream");
        }
        this.commands = commands;
        this.group = group;
        this.strategy = strategy;
        this.deadLetterStream = deadLetterStream;
        this.ackHandler = ackHandler;
        this.inFlight = inFlight;
    }

    CompletionStage<Void> handle(StreamEntry entry, Throwable reason) {
        LOG.warnf(
                "Entry %s of %s (group %s) nacked, strategy %s: %s",
                entry.id(), entry.stream(), group, strategy, reason == null ? "no reason" : reason.getMessage());
        return switch (strategy) {
            case LEAVE_PENDING -> {
                inFlight.remove(RedisStreamsAckHandler.inFlightKey(entry));
                yield CompletableFuture.completedFuture(null);
            }
            case ACK -> ackHandler.handle(entry);
            case DEAD_LETTER -> deadLetter(entry, reason).thenCompose(ignored -> ackHandler.handle(entry));
        };
    }

    private CompletionStage<Void> deadLetter(StreamEntry entry, Throwable reason) {
        Request add =
                Request.cmd(Command.XADD).arg(deadLetterStream.orElseThrow()).arg("*");
        for (Map.Entry<String, String> field : entry.fields().entrySet()) {
            add.arg(field.getKey()).arg(field.getValue());
        }
        add.arg("source-stream")
                .arg(entry.stream())
                .arg("source-id")
                .arg(entry.id())
                .arg("reason")
                .arg(reason == null ? "" : String.valueOf(reason.getMessage()));
        return commands.send(add).replaceWithVoid().subscribeAsCompletionStage();
    }
}
