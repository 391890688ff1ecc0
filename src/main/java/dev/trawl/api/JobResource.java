package dev.trawl.api;

import dev.trawl.job.JobFilter;
import dev.trawl.job.JobListing;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobSubmitter;
import dev.trawl.ratelimit.Decision;
import dev.trawl.ratelimit.RateLimitHeaders;
import dev.trawl.ratelimit.RateLimiter;
import dev.trawl.tenancy.Tenant;
import dev.trawl.webhook.WebhookSecrets;
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
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/v1/jobs")
@Tag(name = "jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobSubmitter submitter;
    private final JobLookup lookup;
    private final SubmissionOptions options;
    private final IdempotentSubmits idempotent;
    private final AdminToken admin;
    private final JobBatches batches;
    private final RateLimiter limiter;
    private final TierRules rules;
    private final StartTime start;
    private final JobListing listing;
    private final WebhookSecrets webhookSecrets;

    public JobResource(
            JobSubmitter submitter,
            JobLookup lookup,
            SubmissionOptions options,
            IdempotentSubmits idempotent,
            AdminToken admin,
            JobBatches batches,
            RateLimiter limiter,
            TierRules rules,
            StartTime start,
            JobListing listing,
            WebhookSecrets webhookSecrets) {
        this.start = start;
        this.listing = listing;
        this.rules = rules;
        this.webhookSecrets = webhookSecrets;
        this.limiter = limiter;
        this.batches = batches;
        this.admin = admin;
        this.idempotent = idempotent;
        this.submitter = submitter;
        this.lookup = lookup;
        this.options = options;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit a job",
            description = "Validates and queues one scrape job; an identical live job "
                    + "of the same caller answers instead (200, deduplicated: true) unless dedupe is false. "
                    + "With runAt or delaySeconds the job is recorded at once as scheduled and queued at that time.")
    @Parameter(ref = "idempotencyKey")
    @Parameter(name = TraceParent.HEADER, in = ParameterIn.HEADER, ref = "traceparent")
    @APIResponse(
            responseCode = "202",
            description = "Accepted and queued; Location is the job",
            content = @Content(schema = @Schema(implementation = JobViews.Accepted.class)))
    @APIResponse(
            responseCode = "200",
            description = "An identical live job of this caller answers for it (deduplicated: true)",
            content = @Content(schema = @Schema(implementation = JobViews.Accepted.class)))
    @APIResponse(responseCode = "403", ref = "TierForbids")
    @APIResponse(responseCode = "409", ref = "SubmitConflict")
    @APIResponse(responseCode = "422", ref = "IdempotencyKeyReused")
    @APIResponse(responseCode = "429", ref = "SubmitRefused")
    @APIResponse(responseCode = "503", ref = "QueueUnavailable")
    public Uni<Response> submit(
            @Valid @NotNull(message = "a JSON body is required") JobSubmission body, @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        JobSpec spec = rules.allowed(caller, options.toSpec(body));
        StartTime.Asked when = start.of(body);
        boolean dedupe = body.deduplicates();
        return idempotent.answer(
                IdempotentSubmits.Caller.of(context),
                "v1",
                IdempotentSubmits.fingerprint(spec, dedupe) + when.asked(),
                () -> webhookSecrets
                        .requireFor(caller.id(), spec.webhook() != null)
                        .chain(() -> rules.roomFor(caller, 1))
                        .chain(() -> submitter.submit(new JobSubmitter.Submission(
                                spec,
                                dedupe,
                                rules.shareOf(caller),
                                when.runAt(),
                                TraceParent.traceIdOf(context.request().headers()))))
                        .map(job -> IdempotentSubmits.Answer.of(
                                job, JobViews.Links.of(job.id()).self(), JobViews.Accepted.of(job))));
    }

    /**
     * Submits up to 1,000 jobs at once: 202 with one item per job, in order, each the accepted
     * job or {@code {"error": <problem>}}; idempotent as a whole under an {@code Idempotency-Key}.
     */
    @POST
    @Path("batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit up to 1,000 jobs",
            description = "Each item is validated on its own; the answer has "
                    + "one item per job, in order: the accepted job, or {\"error\": <problem>} naming what is wrong with it. "
                    + "Costs one rate-limit token per job.")
    @Parameter(ref = "idempotencyKey")
    @Parameter(name = TraceParent.HEADER, in = ParameterIn.HEADER, ref = "traceparent")
    @APIResponse(
            responseCode = "202",
            description = "One item per job, in order, and the counts accepted and refused",
            content = @Content(schema = @Schema(implementation = JobBatches.Answer.class)))
    @APIResponse(responseCode = "409", ref = "SubmitConflict")
    @APIResponse(responseCode = "422", ref = "IdempotencyKeyReused")
    @APIResponse(responseCode = "429", ref = "SubmitRefused")
    @APIResponse(responseCode = "503", ref = "QueueUnavailable")
    public Uni<Response> submitBatch(
            @Valid @NotNull(message = "a JSON body is required") JobBatch body, @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        JobBatches.Checked checked = batches.check(
                body, caller, TraceParent.traceIdOf(context.request().headers()));
        // the request itself took one token at the door; its other items cost one each
        long rest = checked.submissions().size() - 1L;
        Uni<Decision> charged = rest < 1
                ? Uni.createFrom().item(Decision.UNLIMITED)
                : limiter.take(caller, rest).invoke(decision -> RateLimitHeaders.apply(context.response(), decision));
        return charged.chain(decision -> decision.allowed()
                ? idempotent.answer(
                        IdempotentSubmits.Caller.of(context),
                        "v1-batch",
                        checked.fingerprint(),
                        () -> batches.submit(caller, checked)
                                .map(answer -> new IdempotentSubmits.Answer(202, null, answer, null)))
                : Uni.createFrom().item(ProblemMappers.toResponse(RateLimitHeaders.refusal(decision, rest + 1))));
    }

    @GET
    @Operation(
            summary = "List jobs, newest first",
            description = "A tenant sees its own jobs, an admin every job. Filters combine; pass next as "
                    + "cursor for the following page (keyset paging: a page costs the same however deep).")
    @APIResponse(
            responseCode = "200",
            description = "A page of jobs",
            content = @Content(schema = @Schema(implementation = JobViews.JobList.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    public Uni<JobViews.JobList> list(
            @Parameter(description = "queued, running, retrying, succeeded, failed, cancelled, aborted or duplicate")
                    @RestQuery
                    String state,
            @Parameter(description = "high, normal or low") @RestQuery String priority,
            @Parameter(description = "Jobs created at or after this ISO-8601 time") @RestQuery String since,
            @Parameter(description = "Jobs created before this ISO-8601 time") @RestQuery String until,
            @RestQuery
                    @DefaultValue("50")
                    @Min(value = 1, message = "must be at least 1") @Max(value = 200, message = "must be at most 200") int limit,
            @Parameter(description = "The next of the previous page") @RestQuery String cursor,
            @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        JobFilter filter = JobFilters.of(
                caller.isAdmin() ? Optional.empty() : Optional.of(caller.id()), state, priority, since, until, cursor);
        return listing.page(filter, limit)
                .map(jobs -> new JobViews.JobList(
                        jobs.stream().map(JobViews.Listed::of).toList(),
                        jobs.size() < limit
                                ? null
                                : jobs.get(jobs.size() - 1).id().toString()));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A job's status", description = "error is null unless the job failed")
    @APIResponse(
            responseCode = "200",
            description = "The job",
            content = @Content(schema = @Schema(implementation = JobViews.Status.class)))
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    public Uni<JobViews.Status> status(@RestPath String id, @Context RoutingContext context) {
        return lookup.find(Tenant.of(context), id).map(JobViews.Status::of);
    }

    @GET
    @Path("{id}/result")
    @Operation(
            summary = "A job's pages",
            description = "Pages from offset, at most limit and trawl.api.result-max-bytes "
                    + "of them; follow next until it is absent.")
    @APIResponse(
            responseCode = "200",
            description = "The pages stored",
            content = @Content(schema = @Schema(implementation = JobViews.Result.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    @APIResponse(responseCode = "409", ref = "ResultConflict")
    public Uni<JobViews.Result> result(
            @RestPath String id,
            @RestQuery @DefaultValue("0") @Min(value = 0, message = "must be 0 or more") int offset,
            @RestQuery
                    @DefaultValue("100")
                    @Min(value = 1, message = "must be at least 1") @Max(value = 1000, message = "must be at most 1000") int limit,
            @Context RoutingContext context) {
        return lookup.result(Tenant.of(context), id, offset, limit).map(read -> JobViews.Result.of(read, limit));
    }

    @DELETE
    @Path("{id}")
    @Operation(
            summary = "Cancel a job",
            description = "A queued job is cancelled at once; a running one at its "
                    + "worker's next step (status: running).")
    @APIResponse(responseCode = "202", description = "{\"id\", \"status\", \"cancelRequested\": true}")
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    @APIResponse(responseCode = "409", ref = "JobFinished")
    public Uni<Response> cancel(@RestPath String id, @Context RoutingContext context) {
        return lookup.cancel(Tenant.of(context), id)
                .map(state -> Response.accepted(Map.of("id", id, "status", state.wireName(), "cancelRequested", true))
                        .build());
    }

    /** Admin: puts a failed or aborted job back in the queue with a fresh allowance of attempts. */
    @POST
    @Path("{id}/retry")
    @Tag(name = "admin")
    @Operation(
            summary = "Re-drive a failed or aborted job (admin)",
            description = "Queues it again with a fresh " + "allowance of attempts; attempt keeps counting.")
    @APIResponse(
            responseCode = "202",
            description = "The job, queued again",
            content = @Content(schema = @Schema(implementation = JobViews.Status.class)))
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    @APIResponse(responseCode = "409", ref = "JobNotRedrivable")
    public Uni<Response> retry(
            @RestPath String id,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        Tenant caller = Tenant.of(context);
        admin.require(caller, token);
        return lookup.redrive(caller, id)
                .map(job -> Response.accepted(JobViews.Status.of(job)).build());
    }

    @GET
    @Path("{id}/ops")
    @Operation(summary = "The effects recorded once for a job (operation ledger), oldest first")
    @APIResponse(
            responseCode = "200",
            description =
                    "One page-stored entry per stored page; webhook-attempt, webhook-delivered and webhook-dead entries of the job's webhook",
            content = @Content(schema = @Schema(implementation = JobViews.Ops.class)))
    @APIResponse(responseCode = "404", ref = "JobNotFound")
    public Uni<JobViews.Ops> ops(@RestPath String id, @Context RoutingContext context) {
        return lookup.ops(Tenant.of(context), id).map(entries -> JobViews.Ops.of(id, entries));
    }
}
