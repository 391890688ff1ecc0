package dev.trawl.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A job's event log: one capped Redis stream per job, expiring 24 h after its last write. An
 * append is one script call that adds the entry, refreshes the TTL and announces the entry on the
 * job's pub/sub channel, so live followers and the log can never disagree.
 */
@ApplicationScoped
public class EventLog {

    private static final LuaScript APPEND = LuaScript.fromResource("lua/append_event.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final EventsConfig config;
    private final ObjectMapper json;
    private volatile boolean scriptLoaded;

    public EventLog(Redis redis, RedisKeys keys, EventsConfig config, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.json = json;
    }

    /** Loads the append script so the first event costs one round trip; the startup probe waits for it. */
    public Uni<Void> loadScript() {
        return APPEND.load(redis).invoke(() -> scriptLoaded = true);
    }

    public boolean scriptLoaded() {
        return scriptLoaded;
    }

    /** Appends an event; the item is its stream entry id. */
    public Uni<String> append(UUID jobId, EventType type, Map<String, Object> data) {
        String body = toJson(new JobEvent(type.wireName(), jobId, Instant.now(), data));
        return APPEND.run(redis,
                        List.of(keys.jobEvents(jobId)),
                        List.of(Long.toString(config.maxLength()), Long.toString(config.ttl().toSeconds()),
                                keys.jobChannel(jobId), type.wireName(), body))
                .map(Response::toString);
    }

    /** Up to {@code count} events after the entry {@code afterId} (exclusive), oldest first. */
    public Uni<List<StoredEvent>> readAfter(UUID jobId, String afterId, int count) {
        Request range = Request.cmd(Command.XRANGE).arg(keys.jobEvents(jobId)).arg("(" + afterId).arg("+")
                .arg("COUNT").arg(count);
        return redis.send(range).map(EventLog::toEvents);
    }

    /** The job's latest event, if its log holds any. */
    public Uni<Optional<StoredEvent>> latest(UUID jobId) {
        Request last = Request.cmd(Command.XREVRANGE).arg(keys.jobEvents(jobId)).arg("+").arg("-").arg("COUNT").arg(1);
        return redis.send(last).map(reply -> toEvents(reply).stream().findFirst());
    }

    private static List<StoredEvent> toEvents(Response reply) {
        List<StoredEvent> events = new ArrayList<>();
        if (reply == null) {
            return events;
        }
        for (Response entry : reply) {
            Response fields = entry.get(1);
            String type = null;
            String body = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                switch (fields.get(i).toString()) {
                    case "t" -> type = fields.get(i + 1).toString();
                    case "d" -> body = fields.get(i + 1).toString();
                    default -> { }
                }
            }
            events.add(new StoredEvent(entry.get(0).toString(), type, body));
        }
        return events;
    }

    private String toJson(JobEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event data is not serialisable: " + e.getOriginalMessage(), e);
        }
    }
}
