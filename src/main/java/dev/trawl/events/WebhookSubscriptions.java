package dev.trawl.events;

import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Tells the event log which events of a job its webhook wants: written before the job's first
 * event, so every wanted event, {@code queued} included, is queued for delivery by the same script
 * call that appends it (see append_events.lua). Expires with the job's event stream.
 */
@ApplicationScoped
public class WebhookSubscriptions {

    /** A job and the event types (wire names) its webhook wants. */
    public record Subscription(UUID jobId, List<String> events) {}

    private final Redis redis;
    private final RedisKeys keys;
    private final EventsConfig config;

    public WebhookSubscriptions(Redis redis, RedisKeys keys, EventsConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    public Uni<Void> subscribe(List<Subscription> subscriptions) {
        if (subscriptions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> sets = subscriptions.stream()
                .map(s -> Request.cmd(Command.SET)
                        .arg(keys.jobWebhook(s.jobId()))
                        .arg("," + String.join(",", s.events()) + ",")
                        .arg("EX")
                        .arg(config.ttl().toSeconds()))
                .toList();
        return redis.batch(sets).replaceWithVoid();
    }
}
