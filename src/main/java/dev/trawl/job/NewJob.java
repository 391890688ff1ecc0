package dev.trawl.job;

import java.util.UUID;

/**
 * A job to record: its id, what was asked, who asked ({@code owner}, a tenant id; null only for
 * jobs the platform makes for itself), its job key, and whether an identical live (or recently
 * succeeded) job of the same owner answers for it instead.
 */
public record NewJob(UUID id, JobSpec spec, String owner, String jobKey, boolean dedupe) {

    /** A job of {@code owner} with its key derived from the request and the owner. */
    public static NewJob of(UUID id, JobSpec spec, String owner, boolean dedupe) {
        return new NewJob(id, spec, owner, JobKey.ownedBy(owner, spec), dedupe);
    }
}
