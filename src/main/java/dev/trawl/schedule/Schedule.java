package dev.trawl.schedule;

import dev.trawl.job.JobSpec;
import java.time.Instant;
import java.util.UUID;

/**
 * A recurring job as stored: whose it is ({@code owner}, a tenant id, and the tier its jobs are
 * limited by), the cron expression and zone, the validated job it submits at each tick, whether
 * it is paused, its next tick and what its last tick did ({@code lastJobId}, or {@code lastSkip}
 * saying why no job was submitted).
 */
public record Schedule(
        UUID id,
        String owner,
        String ownerTier,
        String name,
        String cron,
        String timeZone,
        JobSpec job,
        boolean paused,
        Instant nextRunAt,
        Instant lastTickAt,
        UUID lastJobId,
        String lastSkip,
        Instant createdAt) {}
