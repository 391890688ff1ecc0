package dev.trawl.api;

import dev.trawl.events.EventsConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One heartbeat for all of a pod's event streams: each event loop has one periodic sweep that
 * sends a heartbeat comment to every stream of that loop idle for {@code trawl.events.heartbeat}.
 * A timer per stream would be thousands of timers, and ticks all due at once; a sweep every
 * fraction of the interval spreads the heartbeats over it as the streams' own traffic does, and
 * writes each on the stream's own event loop. The same sweep ends the streams that reached their
 * lifetime ({@code trawl.events.max-stream-lifetime}).
 */
@ApplicationScoped
public class SseHeartbeats {

    private final Vertx vertx;
    private final long idleNanos;
    private final long sweepMillis;
    private final Map<Thread, Loop> loops = new ConcurrentHashMap<>();

    public SseHeartbeats(Vertx vertx, EventsConfig config) {
        this.vertx = vertx;
        Duration heartbeat = config.heartbeat();
        this.idleNanos = heartbeat.toNanos();
        this.sweepMillis = Math.max(100, Math.min(1000, heartbeat.toMillis() / 4));
    }

    /** The streams of the calling event loop; its sweep starts with its first stream. */
    Loop ofThisLoop() {
        return loops.computeIfAbsent(Thread.currentThread(), thread -> {
            Loop loop = new Loop();
            // set from this event loop's context, so the sweep runs on this loop
            vertx.setPeriodic(sweepMillis, timer -> loop.sweep(idleNanos));
            return loop;
        });
    }

    /** The open streams of one event loop; added and removed from any thread, swept on the loop's own. */
    static final class Loop {
        private final Set<EventStreamConnection> streams = ConcurrentHashMap.newKeySet();

        void add(EventStreamConnection stream) {
            streams.add(stream);
        }

        void remove(EventStreamConnection stream) {
            streams.remove(stream);
        }

        void sweep(long idleNanos) {
            long now = System.nanoTime();
            for (EventStreamConnection stream : streams) {
                stream.sweep(now, idleNanos);
            }
        }
    }
}
