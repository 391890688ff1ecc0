package dev.trawl.job;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One row of a job listing: what a list shows, without the job's request or result. */
public record ListedJob(
        UUID id,
        String state,
        String priority,
        String url,
        int attempt,
        OffsetDateTime createdAt,
        OffsetDateTime finishedAt,
        int pageCount,
        String errorCode) {}
