package dev.trawl.api;

import dev.trawl.events.JobEventFeed;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobSubmitter;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** The paths of the original scraper API, kept working on top of the job queue. */
@Path("/")
@Tag(name = "original API")
@Produces(MediaType.APPLICATION_JSON)
public class LegacyScrapeResource {

    private static final int LEGACY_PAGE_LIMIT = 1000;
    /** The original API always answered with the page's text, so its clients get it by default. */
    private static final List<String> LEGACY_FORMATS = List.of("metadata", "text", "markdown", "links");

    private final JobSubmitter submitter;
    private final JobLookup lookup;
    private final JobEventFeed feed;
    private final ApiConfig config;
    private final SubmissionOptions options;
    private final IdempotentSubmits idempotent;
    private final TierRules rules;

    public LegacyScrapeResource(
            JobSubmitter submitter,
            JobLookup lookup,
            JobEventFeed feed,
            ApiConfig config,
            SubmissionOptions options,
            IdempotentSubmits idempotent,
            TierRules rules) {
        this.rules = rules;
        this.idempotent = idempotent;
        this.options = options;
        this.submitter = submitter;
        this.lookup = lookup;
        this.feed = feed;
        this.config = config;
    }

    @POST
    @Path("scrape/async")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job (original API)")
    @Parameter(ref = "idempotencyKey")
    @Parameter(name = TraceParent.HEADER, in = ParameterIn.HEADER, ref = "traceparent")
    @APIResponse(
            responseCode = "202",
            description = "Accepted and queued",
            content = @Content(schema = @Schema(implementation = JobViews.LegacyAccepted.class)))
    @APIResponse(
            responseCode = "200",
            description = "An identical live job of this caller answers for it",
            content = @Content(schema = @Schema(implementation = JobViews.LegacyAccepted.class)))
    @APIResponse(responseCode = "403", ref = "TierForbids")
    @APIResponse(responseCode = "409", ref = "IdempotencyKeyInFlight")
    @APIResponse(responseCode = "422", ref = "IdempotencyKeyReused")
    @APIResponse(responseCode = "429", ref = "SubmitRefused")
    @APIResponse(responseCode = "503", ref = "QueueUnavailable")
    public Uni<Response> submitAsync(
            @Valid @NotNull(message = "a JSON body is required") JobSubmission body, @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        JobSpec spec = rules.allowed(caller, options.toSpec(body.withDefaultFormats(LEGACY_FORMATS)));
        if (spec.webhook() != null) {
            throw ProblemException.badRequest(
                    "webhook", "webhook: the original API has no webhooks; use POST /v1/jobs");
        }
        boolean dedupe = body.deduplicates();
        return idempotent.answer(
                IdempotentSubmits.Caller.of(context),
                "scrape-async",
                IdempotentSubmits.fingerprint(spec, dedupe),
                () -> rules.roomFor(caller, 1)
                        .chain(() -> submitter.submit(new JobSubmitter.Submission(
                                spec,
                                dedupe,
                                rules.shareOf(caller),
                                null,
                                TraceParent.traceIdOf(context.request().headers()))))
                        .map(job -> IdempotentSubmits.Answer.of(
                                job, "/jobs/" + job.id() + "/status", JobViews.LegacyAccepted.of(job))));
    }

    /** Submits and waits for the job to end, up to {@code trawl.api.sync-timeout}; 504 after that. */
    @POST
    @Path("scrape")
    @Consumes(MediaType.APPLICATION_JSON)
    @Parameter(name = TraceParent.HEADER, in = ParameterIn.HEADER, ref = "traceparent")
    @Operation(
            summary = "Submit a job and wait for it (original API)",
            description = "Waits at most "
                    + "trawl.api.sync-timeout; the first response of the result, or the job's error if it failed.")
    @APIResponse(
            responseCode = "200",
            description = "The job ended",
            content = @Content(schema = @Schema(implementation = JobViews.LegacyResult.class)))
    @APIResponse(responseCode = "403", ref = "TierForbids")
    @APIResponse(responseCode = "429", ref = "SubmitRefused")
    @APIResponse(responseCode = "503", ref = "QueueUnavailable")
    @APIResponse(responseCode = "504", ref = "ScrapeTimeout")
    public Uni<JobViews.LegacyResult> scrape(
            @Valid @NotNull(message = "a JSON body is required") JobSubmission body, @Context RoutingContext context) {
        io.vertx.core.Context request = Vertx.currentContext();
        Tenant caller = Tenant.of(context);
        JobSpec spec = rules.allowed(caller, options.toSpec(body.withDefaultFormats(LEGACY_FORMATS)));
        if (spec.webhook() != null) {
            throw ProblemException.badRequest(
                    "webhook", "webhook: the original API has no webhooks; use POST /v1/jobs");
        }
        return rules.roomFor(caller, 1)
                .chain(() -> submitter.submit(new JobSubmitter.Submission(
                        spec,
                        body.deduplicates(),
                        rules.shareOf(caller),
                        null,
                        TraceParent.traceIdOf(context.request().headers()))))
                .chain(job -> feed.follow(job.id(), null, false)
                        .select()
                        .last()
                        .toUni()
                        .ifNoItem()
                        .after(config.syncTimeout())
                        .failWith(() -> timedOut(job.id()))
                        // the end arrives on the pub/sub connection's thread; reads need the request's context
                        .emitOn(task -> request.runOnContext(ignored -> task.run()))
                        .chain(() -> legacyResult(caller, job.id().toString())));
    }

    @GET
    @Path("jobs/{id}/status")
    @Operation(summary = "A job's status (original API)")
    @APIResponse(
            responseCode = "200",
            description = "The job",
            content = @Content(schema = @Schema(implementation = JobViews.LegacyStatus.class)))
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    public Uni<JobViews.LegacyStatus> status(@RestPath String id, @Context RoutingContext context) {
        return lookup.find(Tenant.of(context), id).map(JobViews.LegacyStatus::of);
    }

    @GET
    @Path("jobs/{id}/result")
    @Operation(
            summary = "A job's pages (original API)",
            description = "At most 1,000 pages and "
                    + "trawl.api.result-max-bytes of them from offset; next while pages are left.")
    @APIResponse(
            responseCode = "200",
            description = "The pages stored",
            content = @Content(schema = @Schema(implementation = JobViews.LegacyResult.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    @APIResponse(responseCode = "409", ref = "ResultConflict")
    public Uni<JobViews.LegacyResult> result(
            @RestPath String id,
            @RestQuery @DefaultValue("0") @Min(value = 0, message = "must be 0 or more") int offset,
            @Context RoutingContext context) {
        return result(Tenant.of(context), id, offset);
    }

    private Uni<JobViews.LegacyResult> result(Tenant caller, String id, int offset) {
        return lookup.result(caller, id, offset, LEGACY_PAGE_LIMIT).map(JobViews.LegacyResult::of);
    }

    private Uni<JobViews.LegacyResult> legacyResult(Tenant caller, String id) {
        return lookup.find(caller, id)
                .chain(job -> job.jobState() == dev.trawl.job.JobState.SUCCEEDED
                        ? result(caller, id, 0)
                        : Uni.createFrom()
                                .item(new JobViews.LegacyResult(id, job.state(), List.of(), job.error(), null)));
    }

    private static ProblemException timedOut(UUID id) {
        return new ProblemException(Problem.of(
                        504,
                        "scrape-timeout",
                        "Scrape still running",
                        "The job did not finish in time; it goes on, follow it at /jobs/" + id + "/status")
                .withJob(id.toString(), "running"));
    }
}
