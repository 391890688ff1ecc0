package dev.trawl.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /v1/schedules}. */
@Schema(
        description = "A recurring job: a cron expression (5 Unix fields, or 6 with seconds first) in an IANA time"
                + " zone, and the job each tick submits, as the body of POST /v1/jobs (docs/schedules.md)",
        example = """
                {"name": "docs every hour", "cron": "0 * * * *", "timeZone": "Europe/Zurich",
                 "job": {"url": "https://example.org/docs/", "formats": ["markdown"]}}""")
public record ScheduleRequest(
        @Size(max = 200, message = "must be at most 200 characters") String name,

        @NotBlank(message = "is required") @Size(max = 200, message = "must be at most 200 characters") String cron,

        @NotBlank(message = "is required") @Size(max = 64, message = "must be at most 64 characters") String timeZone,

        @Valid @NotNull(message = "is required") JobSubmission job) {}
