package dev.trawl.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.batch.Batcher;
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
 * append adds the entry, refreshes the TTL and announces the entry on the job's pub/sub channel
 * in one script call, so live followers and the log can never disagree. Appends made while
 * another is on its way to Redis go together in the next call (see {@link Batcher}): one round
 * trip for the events of many jobs, and the events a caller hands in together stay together.
 */
@ApplicationScoped
public class EventLog {

    private static final LuaScript APPEND = LuaScript.fromResource("lua/append_events.lua");
    /** Events per script call at most; a call holds Redis for about a microsecond per event. */
    private static final int MAX_BATCH = 512;

    private record Encoded(String stream, String channel, String type, String json) {}

    private final Redis redis;
    private final RedisKeys keys;
    private final EventsConfig config;
    private final ObjectMapper json;
    private final Batcher<List<Encoded>, List<String>> appends;
    private volatile boolean scriptLoaded;

    public EventLog(Redis redis, RedisKeys keys, EventsConfig config, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.json = json;
        // One call out at a time: Redis runs scripts one after another anyway, and the events
        // that gather meanwhile share the next call's round trip.
        this.appends = new Batcher<>(MAX_BATCH, 1, this::write);
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
        return appends.submit(List.of(encode(new NewEvent(jobId, type, data)))).map(ids -> ids.get(0));
    }

    /** Appends events in the order given, in one script call; the item is their entry ids, in that order. */
    public Uni<List<String>> appendAll(List<NewEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Encoded> encoded = new ArrayList<>(events.size());
        events.forEach(event -> encoded.add(encode(event)));
        return appends.submit(encoded);
    }

    private Encoded encode(NewEvent event) {
        String type = event.type().wireName();
        return new Encoded(
                keys.jobEvents(event.jobId()),
                keys.jobChannel(event.jobId()),
                type,
                toJson(new JobEvent(type, event.jobId(), Instant.now(), event.data())));
    }

    private Uni<List<List<String>>> write(List<List<Encoded>> groups) {
        List<String> streams = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(config.maxLength()));
        args.add(Long.toString(config.ttl().toSeconds()));
        for (List<Encoded> group : groups) {
            for (Encoded event : group) {
                streams.add(event.stream());
                args.add(event.channel());
                args.add(event.type());
                args.add(event.json());
            }
        }
        args.add(keys.webhookDeliveries());
        return APPEND.run(redis, streams, args).map(reply -> {
            List<List<String>> ids = new ArrayList<>(groups.size());
            int next = 0;
            for (List<Encoded> group : groups) {
                List<String> groupIds = new ArrayList<>(group.size());
                for (int i = 0; i < group.size(); i++) {
                    groupIds.add(reply.get(next++).toString());
                }
                ids.add(groupIds);
            }
            return ids;
        });
    }

    /** Up to {@code count} events after the entry {@code afterId} (exclusive), oldest first. */
    public Uni<List<StoredEvent>> readAfter(UUID jobId, String afterId, int count) {
        Request range = Request.cmd(Command.XRANGE)
                .arg(keys.jobEvents(jobId))
                .arg("(" + afterId)
                .arg("+")
                .arg("COUNT")
                .arg(count);
        return redis.send(range).map(EventLog::toEvents);
    }

    /** The job's latest event, if its log holds any. */
    public Uni<Optional<StoredEvent>> latest(UUID jobId) {
        Request last = Request.cmd(Command.XREVRANGE)
                .arg(keys.jobEvents(jobId))
                .arg("+")
                .arg("-")
                .arg("COUNT")
                .arg(1);
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
                    default -> {}
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
