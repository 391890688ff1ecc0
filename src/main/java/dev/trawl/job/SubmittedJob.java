package dev.trawl.job;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A job just accepted: recorded in PostgreSQL and on its work stream, or, when
 * {@code deduplicated}, an earlier identical job that answers for this submit.
 */
public record SubmittedJob(UUID id, JobState state, OffsetDateTime createdAt, boolean deduplicated) {

    public SubmittedJob(UUID id, JobState state, OffsetDateTime createdAt) {
        this(id, state, createdAt, false);
    }
}
