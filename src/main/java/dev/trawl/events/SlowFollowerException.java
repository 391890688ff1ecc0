package dev.trawl.events;

import java.util.UUID;

/** A follower's client reads slower than its job's events arrive; it is dropped and replays on reconnect. */
public class SlowFollowerException extends RuntimeException {

    public SlowFollowerException(UUID jobId) {
        super(
                "A follower of job " + jobId + " fell too far behind; dropped so that it reconnects and replays",
                null,
                false,
                false);
    }
}
