package dev.trawl.job;

import java.util.UUID;

/** A job a worker now owns: it holds the lease as {@code owner} for this attempt. */
public record ClaimedJob(UUID id, JobSpec spec, int attempt, String owner) {}
