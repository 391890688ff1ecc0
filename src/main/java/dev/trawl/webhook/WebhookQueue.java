package dev.trawl.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The webhook deliveries to make, in Redis ({@link RedisKeys#webhookDeliveries()}): the event log
 * adds them as it writes the events, senders take the due ones, and each ends settled or due again
 * later. A taken delivery whose sender dies comes due again after the claim timeout.
 */
@ApplicationScoped
class WebhookQueue {

    private static final Logger LOG = Logger.getLogger(WebhookQueue.class);
    private static final LuaScript TAKE = LuaScript.fromResource("lua/webhook_take.lua");
    private static final LuaScript SETTLE = LuaScript.fromResource("lua/webhook_settle.lua");
    private static final LuaScript RETRY = LuaScript.fromResource("lua/webhook_retry.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    WebhookQueue(Redis redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** Up to {@code max} due deliveries, each now this sender's for {@code claim}. */
    Uni<List<WebhookDelivery>> take(int max, Duration claim) {
        return TAKE.run(
                        redis,
                        List.of(keys.webhookDeliveries(), keys.webhookAttempts()),
                        List.of(Long.toString(claim.toMillis()), Integer.toString(max)))
                .chain(reply -> {
                    List<WebhookDelivery> taken = new ArrayList<>();
                    List<String> unreadable = new ArrayList<>();
                    for (int i = 0; i + 1 < reply.size(); i += 2) {
                        String member = reply.get(i).toString();
                        int attempt = reply.get(i + 1).toInteger();
                        try {
                            taken.add(parse(member, attempt));
                        } catch (IOException | RuntimeException e) {
                            LOG.warnf("Dropping an unreadable webhook delivery: %s", e.getMessage());
                            unreadable.add(member);
                        }
                    }
                    Uni<Void> dropped = Uni.createFrom().voidItem();
                    for (String member : unreadable) {
                        dropped = dropped.chain(() -> settle(member));
                    }
                    return dropped.replaceWith(taken);
                });
    }

    /** Delivered or dead: it is not made again. */
    Uni<Void> settle(String member) {
        return SETTLE.run(redis, List.of(keys.webhookDeliveries(), keys.webhookAttempts()), List.of(member))
                .replaceWithVoid();
    }

    /** Due again after {@code delay}. */
    Uni<Void> retryAfter(String member, Duration delay) {
        return RETRY.run(redis, List.of(keys.webhookDeliveries()), List.of(member, Long.toString(delay.toMillis())))
                .replaceWithVoid();
    }

    private WebhookDelivery parse(String member, int attempt) throws IOException {
        int newline = member.indexOf('\n');
        if (newline < 0) {
            throw new IOException("no entry id");
        }
        JsonNode event = json.readTree(member.substring(newline + 1));
        return new WebhookDelivery(
                member,
                attempt,
                UUID.fromString(event.path("jobId").asText()),
                member.substring(0, newline),
                event.path("type").asText(),
                event);
    }
}
