package dev.trawl.api;

import dev.trawl.job.JobListing;
import dev.trawl.job.JobState;
import dev.trawl.job.QueueFigures;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The platform at a glance, for the console's overview: the caller's jobs by state and by recent
 * outcome (an admin's: everybody's), the queues and the workers alive (the same for every caller:
 * they say how busy the platform is, nothing of anybody's jobs) and, for an admin, the dead letters.
 */
@Path("/v1/stats")
@Tag(name = "jobs")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    /** One priority's queue: entries held, unread (lag), read and unacknowledged, the oldest unread one's wait. */
    public record QueueView(
            String priority, long depth, Long lag, long pending, double oldestWaitSeconds, boolean paused) {

        static QueueView of(QueueFigures.Queue queue) {
            return new QueueView(
                    queue.priority().wireName(),
                    queue.depth(),
                    queue.lag(),
                    queue.pending(),
                    queue.oldestWaitMs() / 1000.0,
                    queue.paused());
        }
    }

    /** Jobs that ended in the window, by final state, and their number per minute. */
    public record Finished(Map<String, Long> lastMinute, Map<String, Long> lastHour, double perMinuteLastHour) {}

    /** {@code scope} is {@code own} (a tenant's jobs) or {@code all} (an admin's); {@code deadLetters} is an admin's only. */
    @Schema(example = """
            {"scope": "own", "jobs": {"queued": 2, "running": 1, "retrying": 0, "succeeded": 40, "failed": 1,
             "cancelled": 0, "aborted": 0, "duplicate": 0},
             "finished": {"lastMinute": {"succeeded": 3}, "lastHour": {"succeeded": 40, "failed": 1},
                          "perMinuteLastHour": 0.68},
             "queues": [{"priority": "high", "depth": 0, "lag": 0, "pending": 0, "oldestWaitSeconds": 0,
                         "paused": false}],
             "workersAlive": 2}""")
    public record Stats(
            String scope,
            Map<String, Long> jobs,
            Finished finished,
            List<QueueView> queues,
            int workersAlive,
            Long deadLetters) {}

    private final JobListing listing;
    private final QueueFigures queues;

    public StatsResource(JobListing listing, QueueFigures queues) {
        this.listing = listing;
        this.queues = queues;
    }

    @GET
    @Operation(
            summary = "Counts per state, recent outcomes, queues and workers",
            description = "A tenant's counts are of its own jobs, an admin's of every job; the queues and "
                    + "workers are the platform's. deadLetters is given to admins only.")
    @APIResponse(
            responseCode = "200",
            description = "The figures, read now",
            content = @Content(schema = @Schema(implementation = Stats.class)))
    public Uni<Stats> stats(@Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        String owner = caller.isAdmin() ? null : caller.id();
        Uni<Long> dead =
                caller.isAdmin() ? queues.deadLetters() : Uni.createFrom().nullItem();
        return Uni.combine()
                .all()
                .unis(
                        listing.countsByState(owner),
                        listing.finished(owner),
                        queues.queues(),
                        queues.workersAlive(),
                        dead)
                .with((counts, finished, queueList, workers, letters) -> new Stats(
                        owner == null ? "all" : "own",
                        byName(counts),
                        new Finished(
                                byName(finished.lastMinute()),
                                byName(finished.lastHour()),
                                finished.lastHour().values().stream()
                                                .mapToLong(Long::longValue)
                                                .sum()
                                        / 60.0),
                        queueList.stream().map(QueueView::of).toList(),
                        workers,
                        letters));
    }

    private static Map<String, Long> byName(Map<JobState, Long> counts) {
        Map<String, Long> named = new LinkedHashMap<>();
        counts.forEach((state, count) -> named.put(state.wireName(), count));
        return named;
    }
}
