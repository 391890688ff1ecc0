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

    /** A comment is sent at least this often on an idle SSE stream so proxies keep it open. */
    @WithDefault("15S")
    Duration heartbeat();

    /**
     * How long after a job ended its worker may still be writing the terminal event. A job found
     * ended longer ago than this with no terminal event lost its worker in between, and the
     * worker that next meets its queue entry writes the event.
     */
    @WithDefault("10S")
    Duration terminalGrace();

    /** Entries read per XRANGE while replaying. */
    @WithDefault("500")
    int replayBatch();
}
