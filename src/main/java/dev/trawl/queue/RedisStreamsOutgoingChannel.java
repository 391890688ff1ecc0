package dev.trawl.queue;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.providers.helpers.MultiUtils;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Appends each message's payload to a stream with XADD; the message is acked once Redis has it. A
 * message whose payload is a {@link List} appends one entry per element, in order, in one round
 * trip (pipelined), and is acked once Redis has them all. An {@link OutgoingEntry} adds its fields
 * to its entry.
 */
final class RedisStreamsOutgoingChannel {

    private final Redis commands;
    private final String defaultStream;
    private final long maxLength;
    private final Flow.Subscriber<? extends Message<?>> subscriber;

    RedisStreamsOutgoingChannel(Vertx vertx, RedisStreamsChannelConfig config) {
        this.commands = Redis.createClient(
                vertx, config.redisOptions().setMaxPoolSize(8).setMaxPoolWaiting(8192));
        this.defaultStream = config.stream();
        this.maxLength = config.maxLength();
        int maxInflight = config.maxInflight();
        this.subscriber = MultiUtils.via(
                messages -> messages.onItem().transformToUni(this::append).merge(maxInflight));
    }

    Flow.Subscriber<? extends Message<?>> subscriber() {
        return subscriber;
    }

    private Uni<Void> append(Message<?> message) {
        String stream = message.getMetadata(RedisStreamsOutgoingMetadata.class)
                .map(RedisStreamsOutgoingMetadata::stream)
                .orElse(defaultStream);
        Uni<?> sent;
        if (message.getPayload() instanceof List<?> payloads) {
            List<Request> adds = new ArrayList<>(payloads.size());
            payloads.forEach(payload -> adds.add(xadd(stream, payload)));
            sent = adds.isEmpty() ? Uni.createFrom().voidItem() : commands.batch(adds);
        } else {
            sent = commands.send(xadd(stream, message.getPayload()));
        }
        return sent.onItemOrFailure()
                .transformToUni((id, failure) -> failure == null
                        ? Uni.createFrom().completionStage(message.ack())
                        : Uni.createFrom().completionStage(message.nack(failure)));
    }

    private Request xadd(String stream, Object payload) {
        Request xadd = Request.cmd(Command.XADD)
                .arg(stream)
                .arg("MAXLEN")
                .arg("~")
                .arg(maxLength)
                .arg("*")
                .arg(StreamEntry.PAYLOAD_FIELD);
        if (payload instanceof OutgoingEntry entry) {
            xadd.arg(entry.payload());
            entry.fields().forEach((field, value) -> xadd.arg(field).arg(value));
            return xadd;
        }
        return xadd.arg(String.valueOf(payload));
    }

    void close() {
        commands.close();
    }
}
