package dev.trawl.job;

import java.util.UUID;

/** A job to put on the work stream of its priority. */
public record QueuedJob(UUID id, Priority priority) {
}
