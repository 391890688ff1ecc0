package dev.trawl.job;

import java.util.UUID;

/**
 * A job to record: its id, what was asked, who asked ({@code owner}, a tenant id; null only for
 * jobs the platform makes for itself), its job key, whether an identical live (or recently
 * succeeded) job of the same owner answers for it instead, and the W3C trace id of the request
 * that asked ({@code traceId}, null if none), which takes no part in the job key.
 */
public record NewJob(UUID id, JobSpec spec, String owner, String jobKey, boolean dedupe, String traceId) {

    /** A job of {@code owner} with its key derived from the request and the owner, and no trace id. */
    public static NewJob of(UUID id, JobSpec spec, String owner, boolean dedupe) {
        return of(id, spec, owner, dedupe, null);
    }

    /** A job of {@code owner} with its key derived from the request and the owner. */
    public static NewJob of(UUID id, JobSpec spec, String owner, boolean dedupe, String traceId) {
        return new NewJob(id, spec, owner, JobKey.ownedBy(owner, spec), dedupe, traceId);
    }
}
