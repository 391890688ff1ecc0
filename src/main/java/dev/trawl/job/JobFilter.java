package dev.trawl.job;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Which jobs a listing, a count or a bulk cancel is about. {@code owner} empty means every
 * tenant's (an admin's view); {@code before} is the keyset cursor: only jobs with a smaller
 * (older, as ids are time-ordered) id.
 */
public record JobFilter(
        Optional<String> owner,
        Optional<JobState> state,
        Optional<Priority> priority,
        Optional<Instant> since,
        Optional<Instant> until,
        Optional<UUID> before) {

    public static JobFilter everything() {
        return new JobFilter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
