package dev.trawl.job;

import java.util.UUID;

/**
 * A job a worker now owns: it holds the lease as {@code owner} for this attempt. {@code traceId}
 * is the W3C trace id the job was submitted with, or null.
 */
public record ClaimedJob(UUID id, JobSpec spec, int attempt, String owner, String traceId) {}
