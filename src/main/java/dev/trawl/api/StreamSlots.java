package dev.trawl.api;

import dev.trawl.events.EventsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event streams this pod holds open, counted per pod and per caller, so one caller (or a
 * crowd) cannot hold every connection, file descriptor and follower of a pod. A stream takes a
 * slot before it starts and gives it back once when it ends, however it ends.
 */
@ApplicationScoped
public class StreamSlots {

    /** Whether a stream may open, and the slot it then holds. */
    public sealed interface Admission permits Granted, CallerFull, PodFull {}

    /** The stream holds a slot until {@link Slot#release()}. */
    public record Granted(Slot slot) implements Admission {}

    /** The caller already holds {@code limit} streams on this pod. */
    public record CallerFull(int limit) implements Admission {}

    /** This pod already holds {@code limit} streams. */
    public record PodFull(int limit) implements Admission {}

    private final int perCaller;
    private final int perPod;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Integer> byCaller = new ConcurrentHashMap<>();

    public StreamSlots(EventsConfig config) {
        this.perCaller = config.maxStreamsPerCaller();
        this.perPod = config.maxStreamsPerPod();
    }

    public Admission admit(String caller) {
        if (open.incrementAndGet() > perPod) {
            open.decrementAndGet();
            return new PodFull(perPod);
        }
        boolean[] taken = new boolean[1];
        byCaller.compute(caller, (key, held) -> {
            int now = held == null ? 0 : held;
            if (now >= perCaller) {
                return held;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            open.decrementAndGet();
            return new CallerFull(perCaller);
        }
        return new Granted(new Slot(caller));
    }

    /** Streams open on this pod. */
    public int open() {
        return open.get();
    }

    /** One stream's place; giving it back twice gives it back once. */
    public final class Slot {
        private final String caller;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String caller) {
            this.caller = caller;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                byCaller.computeIfPresent(caller, (key, held) -> held <= 1 ? null : held - 1);
                open.decrementAndGet();
            }
        }
    }
}
