package dev.trawl.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A job to record: its id, what was asked, who asked ({@code owner}, a tenant id; null only for
 * jobs the platform makes for itself), its job key, whether an identical live (or recently
 * succeeded) job of the same owner answers for it instead, when it may run ({@code runAt}; null,
 * or a time already past, for now), and the W3C trace id of the request that asked
 * ({@code traceId}, null if none), which takes no part in the job key. {@code request} is the
 * spec's JSON, written once for the row and the work stream entry.
 */
public record NewJob(
        UUID id,
        JobSpec spec,
        String owner,
        String jobKey,
        boolean dedupe,
        Instant runAt,
        String traceId,
        String request) {

    /** A job of {@code owner}, runnable now, with its key derived from the request and the owner. */
    public static NewJob of(UUID id, JobSpec spec, String owner, boolean dedupe) {
        return of(id, spec, owner, dedupe, null, null);
    }

    /** A job of {@code owner} that waits until {@code runAt} (null for now), with its request's trace id. */
    public static NewJob of(UUID id, JobSpec spec, String owner, boolean dedupe, Instant runAt, String traceId) {
        return new NewJob(id, spec, owner, JobKey.ownedBy(owner, spec), dedupe, runAt, traceId, JobStore.toJson(spec));
    }

    /** What its work stream entry carries, when a worker may run it before claiming it. */
    public JobRequest entryRequest() {
        return JobRequest.runsBeforeClaim(spec) ? new JobRequest(request, traceId) : null;
    }
}
