package dev.trawl.job;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * What the API shows of a job: the columns of its status, read in one statement
 * ({@link JobQueries#find}). {@code error} is null unless the job has one; {@code owner} is the
 * id of the tenant that submitted it, null for a job from before tenancy; {@code traceId} the W3C
 * trace id of the request that submitted it, null if none. {@code runAt} is when a
 * {@code scheduled} job will run (null in any other state); {@code scheduleId} and
 * {@code scheduleTick} name the schedule and tick that submitted it (null for a client's submit).
 */
public record JobSummary(
        UUID id,
        String state,
        String priority,
        int attempt,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        int pageCount,
        Map<String, Object> error,
        String owner,
        String traceId,
        OffsetDateTime runAt,
        UUID scheduleId,
        OffsetDateTime scheduleTick) {

    public JobState jobState() {
        return JobState.fromWire(state);
    }
}
