package dev.trawl.api;

import dev.trawl.job.JobSpec;
import dev.trawl.schedule.Schedule;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Response bodies of the schedule API. */
public final class ScheduleViews {

    private ScheduleViews() {}

    @Schema(example = """
            {"id": "0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "name": "docs every hour", "cron": "0 * * * *",
             "timeZone": "Europe/Zurich", "paused": false, "nextRunAt": "2026-11-28T06:00:00Z", "lastTickAt": null,
             "lastJobId": null, "lastSkip": null, "createdAt": "2026-11-28T05:12:00Z", "owner": "key:0193b2d4-...",
             "job": {"url": "https://example.org/docs/", "formats": ["markdown"], "priority": "normal"},
             "links": {"self": "/v1/schedules/0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
                       "lastJob": null}}""")
    public record View(
            UUID id,
            String name,
            String cron,
            String timeZone,
            boolean paused,

            @Schema(description = "The next tick a job will be submitted for (unless paused)")
            Instant nextRunAt,

            Instant lastTickAt,
            UUID lastJobId,

            @Schema(description = "Why the last tick submitted no job (the owner's quota was full); null if it did")
            String lastSkip,

            Instant createdAt,
            String owner,

            @Schema(description = "The job each tick submits, validated as a submit is")
            JobSpec job,

            Links links) {

        static View of(Schedule schedule) {
            return new View(
                    schedule.id(),
                    schedule.name(),
                    schedule.cron(),
                    schedule.timeZone(),
                    schedule.paused(),
                    schedule.nextRunAt(),
                    schedule.lastTickAt(),
                    schedule.lastJobId(),
                    schedule.lastSkip(),
                    schedule.createdAt(),
                    schedule.owner(),
                    schedule.job(),
                    new Links(
                            "/v1/schedules/" + schedule.id(),
                            schedule.lastJobId() == null ? null : "/v1/jobs/" + schedule.lastJobId()));
        }
    }

    public record Links(String self, String lastJob) {}

    /** One page of schedules in creation order; {@code next} is the {@code after} of the next page, if any. */
    public record Page(List<View> schedules, String next) {}
}
