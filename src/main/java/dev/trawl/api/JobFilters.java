package dev.trawl.api;

import dev.trawl.job.JobFilter;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobState;
import dev.trawl.job.Priority;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reads the filter of a job listing or a bulk cancel from what a client sent, naming the field at fault. */
final class JobFilters {

    private JobFilters() {}

    static JobFilter of(
            Optional<String> owner, String state, String priority, String since, String until, String cursor) {
        Optional<Instant> from = instant("since", since);
        Optional<Instant> to = instant("until", until);
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw ProblemException.badRequest("until", "until must be later than since");
        }
        return new JobFilter(owner, state(state), priority(priority), from, to, cursor(cursor));
    }

    static Optional<JobState> state(String value) {
        if (blank(value)) {
            return Optional.empty();
        }
        for (JobState state : JobState.values()) {
            if (state.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(state);
            }
        }
        throw ProblemException.badRequest(
                "state",
                "state must be one of "
                        + Arrays.stream(JobState.values())
                                .map(JobState::wireName)
                                .collect(Collectors.joining(", ")));
    }

    static Optional<Priority> priority(String value) {
        if (blank(value)) {
            return Optional.empty();
        }
        for (Priority priority : Priority.values()) {
            if (priority.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(priority);
            }
        }
        throw ProblemException.badRequest("priority", "priority must be high, normal or low");
    }

    /** PostgreSQL's timestamptz ends in the year 294276; years beyond 9999 are refused rather than sent there. */
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static Optional<Instant> instant(String field, String value) {
        if (blank(value)) {
            return Optional.empty();
        }
        Instant parsed;
        try {
            parsed = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                parsed = Instant.parse(value.trim());
            } catch (DateTimeParseException malformed) {
                throw ProblemException.badRequest(
                        field, field + " must be an ISO-8601 time with offset, such as 2026-11-23T13:50:00Z");
            }
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw ProblemException.badRequest(field, field + " must be a time between the years 1 and 9999");
        }
        return Optional.of(parsed);
    }

    private static Optional<UUID> cursor(String value) {
        if (blank(value)) {
            return Optional.empty();
        }
        return Optional.of(JobIds.parse(value.trim())
                .orElseThrow(() -> ProblemException.badRequest(
                        "cursor", "cursor must be the next of an earlier page (a job id)")));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
