package dev.trawl.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "trawl.events")
public interface EventsConfig {

    /** How long a job's event stream is kept after its last write. */
    @WithDefault("24H")
    Duration ttl();

    /** Approximate cap on the entries of one job's event stream. */
    @WithDefault("10000")
    long maxLength();

    /**
     * A comment is sent on an SSE stream that has sent nothing for this long, so proxies keep it
     * open. All of a pod's streams share one sweep per event loop rather than a timer each.
     */
    @WithDefault("15S")
    Duration heartbeat();

    /** Sent as the stream's {@code retry:}: how long a dropped EventSource waits before it reconnects. */
    @WithDefault("3S")
    Duration retry();

    /**
     * Bytes an SSE connection may have waiting to be sent. A live event that finds more than this
     * queued drops the connection: the client reconnects with Last-Event-ID and replays what it
     * missed, so a reader that cannot keep up costs a reconnect, not unbounded memory. A replay
     * waits for the queue to drain before it reads its next page.
     */
    @WithDefault("1048576")
    int followerBuffer();

    /**
     * How long after a job ended its worker may still be writing the terminal event. A job found
     * ended longer ago than this with no terminal event lost its worker in between, and the
     * worker that next meets its queue entry writes the event.
     */
    @WithDefault("10S")
    Duration terminalGrace();

    /**
     * Event streams one caller (an API key, or an anonymous address) may hold open on one API
     * pod; one more is answered {@code 429}.
     */
    @WithDefault("50")
    int maxStreamsPerCaller();

    /** Event streams one API pod holds open at most; one more is answered {@code 503}. */
    @WithDefault("5000")
    int maxStreamsPerPod();

    /**
     * How long the server keeps one event stream open (less up to a tenth, so streams opened
     * together do not all reconnect together); it then ends the stream and the EventSource
     * reconnects with Last-Event-ID, picking up where it left off, on whichever pod it reaches.
     */
    @WithDefault("30M")
    Duration maxStreamLifetime();

    /** Entries read per XRANGE while replaying. */
    @WithDefault("500")
    int replayBatch();
}
