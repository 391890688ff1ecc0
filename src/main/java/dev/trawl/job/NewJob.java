package dev.trawl.job;

import java.util.UUID;

/**
 * A job to record: its id, what was asked, its job key, and whether an identical live (or
 * recently succeeded) job answers for it instead.
 */
public record NewJob(UUID id, JobSpec spec, String jobKey, boolean dedupe) {
}
