package dev.trawl.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** The JSON body of an event: {@code {type, jobId, at, data}}. */
public record JobEvent(String type, UUID jobId, Instant at, Map<String, Object> data) {}
