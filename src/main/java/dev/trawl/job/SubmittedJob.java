package dev.trawl.job;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A job just accepted: recorded in PostgreSQL and on its work stream. */
public record SubmittedJob(UUID id, JobState state, OffsetDateTime createdAt) {
}
