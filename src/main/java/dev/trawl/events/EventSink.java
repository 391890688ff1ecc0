package dev.trawl.events;

/**
 * Where {@link JobEventFeed} delivers one follower's events. Calls come from whichever thread
 * delivered the event (the pub/sub connection's, or Redis's for a replay), never two at once for
 * one follower, in this order: {@code open}, then {@code event}s, then {@code end} or
 * {@code fail} (or {@code fail} alone, if following could not start).
 */
public interface EventSink {

    /** The live subscription is confirmed: nothing published from now on can be missed. */
    void open();

    void event(StoredEvent event);

    /** The terminal event was sent, or the replay of a finished job is complete. */
    void end();

    void fail(Throwable failure);

    /**
     * Can it take a live event now? A sink whose reader has fallen too far behind says no, and is
     * failed with {@link SlowFollowerException} instead: its client reconnects and replays.
     */
    default boolean keepsUp() {
        return true;
    }

    /**
     * Runs {@code next} once the sink can take more: the replay reads its next page only when the
     * previous one was written out, so a long log is not buffered whole for a slow reader.
     */
    default void whenWritable(Runnable next) {
        next.run();
    }
}
