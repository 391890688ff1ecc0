package dev.trawl.api;

import dev.trawl.job.SubmitConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When a submitted job may run: {@code runAt} (ISO-8601 with an offset) or {@code delaySeconds}
 * from now, at most {@code trawl.jobs.max-delay} ahead. A time already past means now. Each
 * refusal is a 400 naming the member.
 */
@ApplicationScoped
public class StartTime {

    /** When to run, and the request's own words for it (an Idempotency-Key compares those). */
    public record Asked(Instant runAt, String asked) {

        static final Asked NOW = new Asked(null, "");
    }

    private final SubmitConfig config;

    public StartTime(SubmitConfig config) {
        this.config = config;
    }

    public Asked of(JobSubmission submission) {
        if (submission.runAt() != null && submission.delaySeconds() != null) {
            throw ProblemException.badRequest("runAt", "runAt: give either runAt or delaySeconds, not both");
        }
        Duration max = config.maxDelay();
        Instant now = Instant.now();
        if (submission.delaySeconds() != null) {
            long seconds = submission.delaySeconds();
            if (seconds < 0) {
                throw ProblemException.badRequest("delaySeconds", "delaySeconds: must be 0 or more");
            }
            if (seconds > max.toSeconds()) {
                throw ProblemException.badRequest(
                        "delaySeconds", "delaySeconds: must be at most " + max.toSeconds() + " (" + max + ")");
            }
            return new Asked(now.plusSeconds(seconds), "delaySeconds=" + seconds);
        }
        if (submission.runAt() != null) {
            Instant at;
            try {
                at = OffsetDateTime.parse(submission.runAt(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest(
                        "runAt", "runAt: is not an ISO-8601 date and time with an offset, e.g. 2026-12-01T06:00:00Z");
            }
            if (at.isAfter(now.plus(max))) {
                throw ProblemException.badRequest("runAt", "runAt: must be at most " + max + " ahead");
            }
            return new Asked(at, "runAt=" + at);
        }
        return Asked.NOW;
    }
}
