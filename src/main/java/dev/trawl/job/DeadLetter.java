package dev.trawl.job;

import java.time.Instant;
import java.util.UUID;

/** One entry of the dead-letter stream: a job that failed for good, as it was when it failed. */
public record DeadLetter(String entryId, UUID jobId, String url, String errorCode, int attempts, Instant at) {}
