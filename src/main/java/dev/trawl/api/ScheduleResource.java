package dev.trawl.api;

import dev.trawl.job.JobIds;
import dev.trawl.job.JobSpec;
import dev.trawl.schedule.CronSchedule;
import dev.trawl.schedule.Schedule;
import dev.trawl.schedule.ScheduleConfig;
import dev.trawl.schedule.ScheduleStore;
import dev.trawl.tenancy.Tenant;
import dev.trawl.tenancy.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Recurring jobs. A schedule belongs to the key holder that created it (admins see and act on
 * all); another caller gets 404. Its job is validated exactly as {@code POST /v1/jobs} validates
 * a submit, against the owner's tier; each tick submits an ordinary job of the owner (see
 * {@code ScheduleTicker}).
 */
@Path("/v1/schedules")
@Tag(name = "schedules")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    private static final UUID FIRST = new UUID(0, 0);
    /** Ticks looked at when checking the shortest interval an expression asks for. */
    private static final int INTERVAL_SAMPLES = 50;

    private final ScheduleStore store;
    private final ScheduleConfig config;
    private final SubmissionOptions options;
    private final TierRules rules;

    public ScheduleResource(ScheduleStore store, ScheduleConfig config, SubmissionOptions options, TierRules rules) {
        this.store = store;
        this.config = config;
        this.options = options;
        this.rules = rules;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a schedule",
            description = "Each tick of the cron expression (in timeZone) submits the job once, across all pods, "
                    + "as an ordinary job of the caller. Needs an API key.")
    @APIResponse(
            responseCode = "201",
            description = "Created; Location is the schedule",
            content = @Content(schema = @Schema(implementation = ScheduleViews.View.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "403", ref = "ScheduleForbidden")
    @APIResponse(responseCode = "409", ref = "ScheduleLimitReached")
    public Uni<Response> create(
            @Valid @NotNull(message = "a JSON body is required") ScheduleRequest body,
            @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        if (caller.tier() == Tier.ANONYMOUS) {
            throw new ProblemException(Problem.of(
                    403,
                    "schedules-need-a-key",
                    "Schedules need an API key",
                    "A schedule belongs to a key holder; send Authorization: Bearer <key>"));
        }
        CronSchedule cron = cron(body.cron(), body.timeZone());
        Instant now = Instant.now();
        if (cron.shortestInterval(now, INTERVAL_SAMPLES).compareTo(config.minInterval()) < 0) {
            throw ProblemException.badRequest(
                    "cron",
                    "cron: ticks come more often than every " + config.minInterval() + ", the shortest allowed");
        }
        JobSpec job = jobSpec(caller, body.job());
        Instant first = cron.nextAfter(now)
                .orElseThrow(() -> ProblemException.badRequest("cron", "cron: has no tick in the future"));
        int bound = caller.isAdmin() ? 0 : config.maxPerOwner();
        ScheduleStore.NewSchedule schedule = new ScheduleStore.NewSchedule(
                JobIds.next(), caller.id(), caller.tier().wireName(), body.name(), cron, job, first);
        return store.create(schedule, bound)
                .map(created -> created.map(ScheduleViews.View::of)
                        .map(view -> Response.created(URI.create(view.links().self()))
                                .entity(view)
                                .build())
                        .orElseThrow(() -> new ProblemException(Problem.of(
                                409,
                                "schedule-limit-reached",
                                "Too many schedules",
                                "You have " + config.maxPerOwner()
                                        + " schedules, the most allowed; delete one to create another"))));
    }

    @GET
    @Operation(
            summary = "List schedules",
            description = "The caller's own (an admin's: everyone's), in creation order; follow next as after")
    @APIResponse(
            responseCode = "200",
            description = "A page of schedules",
            content = @Content(schema = @Schema(implementation = ScheduleViews.Page.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    public Uni<ScheduleViews.Page> list(
            @RestQuery String after,
            @RestQuery
                    @DefaultValue("100")
                    @Min(value = 1, message = "must be at least 1") @Max(value = 1000, message = "must be at most 1000") int limit,
            @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        UUID from = after == null
                ? FIRST
                : JobIds.parse(after)
                        .orElseThrow(() -> ProblemException.badRequest("after", "after: is not a schedule id"));
        return store.list(caller.isAdmin() ? null : caller.id(), from, limit).map(found -> {
            List<ScheduleViews.View> views =
                    found.stream().map(ScheduleViews.View::of).toList();
            String next = found.size() < limit
                    ? null
                    : found.get(found.size() - 1).id().toString();
            return new ScheduleViews.Page(views, next);
        });
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A schedule")
    @APIResponse(
            responseCode = "200",
            description = "The schedule",
            content = @Content(schema = @Schema(implementation = ScheduleViews.View.class)))
    @APIResponse(responseCode = "404", ref = "ScheduleNotFound")
    public Uni<ScheduleViews.View> get(@RestPath String id, @Context RoutingContext context) {
        return own(Tenant.of(context), id).map(ScheduleViews.View::of);
    }

    @POST
    @Path("{id}/pause")
    @Operation(summary = "Pause a schedule", description = "No tick submits a job until it is resumed")
    @APIResponse(
            responseCode = "200",
            description = "The schedule, paused",
            content = @Content(schema = @Schema(implementation = ScheduleViews.View.class)))
    @APIResponse(responseCode = "404", ref = "ScheduleNotFound")
    public Uni<ScheduleViews.View> pause(@RestPath String id, @Context RoutingContext context) {
        return own(Tenant.of(context), id)
                .chain(schedule -> store.pause(schedule.id()))
                .map(paused -> ScheduleViews.View.of(paused.orElseThrow(() -> notFound(id))));
    }

    @POST
    @Path("{id}/resume")
    @Operation(
            summary = "Resume a schedule",
            description = "It goes on from its next tick; ticks that fell while it was paused are not run")
    @APIResponse(
            responseCode = "200",
            description = "The schedule, running again",
            content = @Content(schema = @Schema(implementation = ScheduleViews.View.class)))
    @APIResponse(responseCode = "404", ref = "ScheduleNotFound")
    public Uni<ScheduleViews.View> resume(@RestPath String id, @Context RoutingContext context) {
        return own(Tenant.of(context), id)
                .chain(schedule -> {
                    Optional<Instant> next = CronSchedule.parse(schedule.cron(), schedule.timeZone())
                            .nextAfter(Instant.now());
                    return next.isEmpty()
                            ? Uni.createFrom().item(Optional.of(schedule))
                            : store.resume(schedule.id(), next.get());
                })
                .map(resumed -> ScheduleViews.View.of(resumed.orElseThrow(() -> notFound(id))));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a schedule", description = "The jobs it submitted stay, ordinary jobs")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = "ScheduleNotFound")
    public Uni<Response> delete(@RestPath String id, @Context RoutingContext context) {
        return own(Tenant.of(context), id)
                .chain(schedule -> store.delete(schedule.id()))
                .map(deleted -> {
                    if (!deleted) {
                        throw notFound(id);
                    }
                    return Response.noContent().build();
                });
    }

    /** The schedule if the caller may see it; a 404 problem if it does not exist or is another's. */
    private Uni<Schedule> own(Tenant caller, String id) {
        Optional<UUID> parsed = JobIds.parse(id);
        if (parsed.isEmpty()) {
            return Uni.createFrom().failure(notFound(id));
        }
        return store.find(parsed.get())
                .map(found ->
                        found.filter(schedule -> caller.owns(schedule.owner())).orElseThrow(() -> notFound(id)));
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(
                Problem.of(404, "schedule-not-found", "Schedule not found", "No schedule of yours has the id " + id)
                        .withField("id"));
    }

    private static CronSchedule cron(String expression, String timeZone) {
        try {
            return CronSchedule.parse(expression, timeZone);
        } catch (CronSchedule.Invalid e) {
            throw ProblemException.badRequest(e.field(), e.getMessage());
        }
    }

    /**
     * The job of a schedule, checked as a submit is (and against the caller's tier); a refusal
     * names the member under {@code job.}, where the client wrote it.
     */
    private JobSpec jobSpec(Tenant caller, JobSubmission submission) {
        try {
            return rules.allowed(caller, options.toSpec(job(submission)));
        } catch (ProblemException e) {
            Problem problem = e.problem();
            if (problem.field() == null || problem.field().startsWith("job.")) {
                throw e;
            }
            throw new ProblemException(new Problem(
                    problem.type(),
                    problem.title(),
                    problem.status(),
                    "job." + problem.detail(),
                    "job." + problem.field(),
                    problem.errors(),
                    problem.jobId(),
                    problem.jobStatus()));
        }
    }

    /** A schedule's job runs at its ticks, so it names no time of its own. */
    private static JobSubmission job(JobSubmission job) {
        if (job.runAt() != null) {
            throw ProblemException.badRequest("job.runAt", "job.runAt: a schedule's job runs at its ticks");
        }
        if (job.delaySeconds() != null) {
            throw ProblemException.badRequest(
                    "job.delaySeconds", "job.delaySeconds: a schedule's job runs at its ticks");
        }
        return job;
    }
}
