package dev.trawl.job;

import java.time.Instant;

/** Where a failed attempt left its job: {@code retrying} (due at {@code nextAttemptAt}), {@code failed} or {@code cancelled}. */
public record FailedAttempt(JobState state, Instant nextAttemptAt) {}
