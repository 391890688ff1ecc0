package dev.trawl.events;

import dev.trawl.redis.RedisClientTls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The pod's single pub/sub connection. A job's channel is subscribed while at least one local
 * follower watches that job, and each announced event is fanned out in memory, so a pod neither
 * holds a Redis connection per browser nor receives the events of jobs nobody here follows.
 * If the connection drops it is re-opened, every channel subscribed again, and each follower
 * told to catch up from the log.
 */
@Startup // its gauges exist from the start, not from the first follower
@ApplicationScoped
public class LiveEvents {

    private static final Logger LOG = Logger.getLogger(LiveEvents.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    /** Someone on this pod who follows a channel. */
    public interface Listener {
        void onEvent(StoredEvent event);

        /** The subscription was lost and is back: events may have been missed meanwhile. */
        void onResubscribed();
    }

    private final Redis client;
    private final Map<String, Set<Listener>> listeners = new ConcurrentHashMap<>();
    private volatile Uni<RedisConnection> connection;
    private volatile boolean closed;

    public LiveEvents(
            Vertx vertx,
            @ConfigProperty(name = "quarkus.redis.hosts") String redisHosts,
            @ConfigProperty(name = "quarkus.redis.password") Optional<String> redisPassword,
            @ConfigProperty(name = "quarkus.redis.tls-configuration-name") Optional<String> tlsConfigurationName,
            TlsConfigurationRegistry tls,
            MeterRegistry registry) {
        RedisOptions options = new RedisOptions()
                .setConnectionString(redisHosts.split(",")[0].trim())
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                .setMaxPoolSize(1);
        // the Quarkus client reads quarkus.redis.password itself; this connection is our own
        redisPassword.filter(password -> !password.isEmpty()).ifPresent(options::setPassword);
        this.client = Redis.createClient(
                vertx, RedisClientTls.named(tlsConfigurationName, tls).applyTo(options));
        Gauge.builder("trawl.events.followed.jobs", listeners, Map::size)
                .description("Jobs this pod's pub/sub connection is subscribed to")
                .register(registry);
    }

    /**
     * Adds a listener to a channel; the item arrives once Redis has confirmed the subscription,
     * so every event published afterwards reaches the listener.
     */
    public Uni<Runnable> subscribe(String channel, Listener listener) {
        boolean first;
        synchronized (listeners) {
            Set<Listener> set = listeners.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet());
            first = set.isEmpty();
            set.add(listener);
        }
        Runnable cancel = () -> unsubscribe(channel, listener);
        if (!first) {
            return Uni.createFrom().item(cancel);
        }
        return connection()
                .chain(conn -> conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)))
                .replaceWith(cancel)
                .onFailure()
                .invoke(cancel);
    }

    private void unsubscribe(String channel, Listener listener) {
        synchronized (listeners) {
            Set<Listener> set = listeners.get(channel);
            if (set == null || !set.remove(listener) || !set.isEmpty()) {
                return;
            }
            listeners.remove(channel);
        }
        connection()
                .chain(conn -> conn.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel)))
                .subscribe()
                .with(ok -> {}, failure -> LOG.debugf("UNSUBSCRIBE %s failed: %s", channel, failure));
    }

    private Uni<RedisConnection> connection() {
        Uni<RedisConnection> current = connection;
        if (current == null) {
            synchronized (this) {
                if (connection == null) {
                    connection = client.connect().invoke(this::attach).memoize().indefinitely();
                }
                current = connection;
            }
        }
        return current.onFailure().invoke(this::forget);
    }

    private void attach(RedisConnection conn) {
        conn.handler(this::dispatch);
        conn.exceptionHandler(failure -> reconnect(conn, failure));
        conn.endHandler(() -> reconnect(conn, null));
    }

    private void dispatch(Response message) {
        // RESP2 pub/sub push: ["message", channel, payload]
        if (message == null
                || message.size() != 3
                || !"message".equals(message.get(0).toString())) {
            return;
        }
        Set<Listener> set = listeners.get(message.get(1).toString());
        if (set == null || set.isEmpty()) {
            return;
        }
        StoredEvent event = parse(message.get(2).toString());
        set.forEach(listener -> listener.onEvent(event));
    }

    /** The payload written by append_event.lua: {@code <id>\n<type>\n<json>}. */
    static StoredEvent parse(String payload) {
        int first = payload.indexOf('\n');
        int second = payload.indexOf('\n', first + 1);
        return new StoredEvent(
                payload.substring(0, first), payload.substring(first + 1, second), payload.substring(second + 1));
    }

    private void forget(Throwable failure) {
        synchronized (this) {
            connection = null;
        }
    }

    private void reconnect(RedisConnection lost, Throwable failure) {
        if (closed) {
            return;
        }
        synchronized (this) {
            connection = null;
        }
        lost.closeAndForget();
        LOG.warnf("Pub/sub connection lost (%s); resubscribing %d channels", failure, listeners.size());
        Uni.createFrom()
                .voidItem()
                .onItem()
                .delayIt()
                .by(RECONNECT_DELAY)
                .chain(this::connection)
                .chain(conn -> {
                    if (listeners.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Request subscribe = Request.cmd(Command.SUBSCRIBE);
                    listeners.keySet().forEach(subscribe::arg);
                    return conn.send(subscribe).replaceWithVoid();
                })
                .subscribe()
                .with(
                        ok -> listeners.values().forEach(set -> set.forEach(Listener::onResubscribed)),
                        retry -> reconnect(lost, retry));
    }

    void stopReconnecting(@Observes ShutdownEvent event) {
        closed = true;
    }

    @PreDestroy
    void close() {
        closed = true;
        client.close();
    }
}
