package dev.trawl.job;

import java.time.Duration;
import java.util.Map;

/** How a finished job ended: its state, pages stored, error (if any), and how long ago. */
public record JobEnding(JobState state, int pages, Map<String, Object> error, Duration ago) {
}
