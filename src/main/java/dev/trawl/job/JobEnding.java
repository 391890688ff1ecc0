package dev.trawl.job;

import java.time.Duration;
import java.util.Map;

/** How a finished job ended: its state, URL, last attempt, pages stored, error (if any), and how long ago. */
public record JobEnding(JobState state, String url, int attempt, int pages, Map<String, Object> error, Duration ago) {

    /** The error's code, as a dead letter names it. */
    public String errorCode() {
        return error == null || error.get("code") == null ? null : String.valueOf(error.get("code"));
    }
}
