package dev.trawl.events;

import java.util.Map;
import java.util.UUID;

/** An event to append to a job's log. */
public record NewEvent(UUID jobId, EventType type, Map<String, Object> data) {}
