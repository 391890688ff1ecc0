package dev.trawl.api;

import dev.trawl.events.StreamIds;
import dev.trawl.job.DeadLetters;
import dev.trawl.job.JobCancellation;
import dev.trawl.job.JobFilter;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobListing;
import dev.trawl.job.JobRedrive;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * What an operator does to many jobs at once: re-drive or delete dead letters, cancel the jobs a
 * filter matches. Each job goes through the same one-job path as its single endpoint (the same
 * conditional UPDATE, event and stream entry), one after another, so a bulk action is never a
 * burst the database has to absorb.
 */
@Path("/v1/admin")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BulkActionsResource {

    public static final int MAX_ITEMS = 500;

    public record JobIdList(
            @NotNull(message = "is required") @Size(min = 1, max = MAX_ITEMS, message = "must hold 1 to " + MAX_ITEMS + " job ids") List<@NotNull(message = "must be a job id") String> jobIds) {}

    public record EntryIdList(
            @NotNull(message = "is required") @Size(min = 1, max = MAX_ITEMS, message = "must hold 1 to " + MAX_ITEMS + " dead-letter ids") List<@NotNull(message = "must be a dead-letter id") String> ids) {}

    /** Every member optional; {@code limit} bounds how many jobs one call cancels. */
    public record CancelFilter(
            String state,
            String priority,
            String since,
            String until,

            @Min(value = 1, message = "must be at least 1") @Max(value = 1000, message = "must be at most 1000") Integer limit) {}

    /** {@code outcome}: {@code redriven}, {@code not-redrivable} (with the job's {@code status}) or {@code not-found}. */
    public record RedriveItem(String jobId, String outcome, String status) {}

    public record RedriveAnswer(List<RedriveItem> items, int redriven) {}

    public record DeleteAnswer(int asked, long deleted) {}

    /** {@code cancelled}: ended at once; {@code cancelRequested}: running, ended by its worker at its next step. */
    public record CancelAnswer(int matched, int cancelled, int cancelRequested, int alreadyFinished) {}

    private final AdminToken admin;
    private final JobRedrive redrive;
    private final JobStore store;
    private final DeadLetters deadLetters;
    private final JobListing listing;
    private final JobCancellation cancellation;

    public BulkActionsResource(
            AdminToken admin,
            JobRedrive redrive,
            JobStore store,
            DeadLetters deadLetters,
            JobListing listing,
            JobCancellation cancellation) {
        this.admin = admin;
        this.redrive = redrive;
        this.store = store;
        this.deadLetters = deadLetters;
        this.listing = listing;
        this.cancellation = cancellation;
    }

    @POST
    @Path("dead-letters/redrive")
    @Operation(
            summary = "Re-drive many failed or aborted jobs (admin)",
            description = "Each as POST /v1/jobs/{id}/retry would; one item per id, in order.")
    @APIResponse(
            responseCode = "200",
            description = "What became of each job",
            content = @Content(schema = @Schema(implementation = RedriveAnswer.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<RedriveAnswer> redriveMany(
            @Valid @NotNull(message = "a JSON body is required") JobIdList body,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        return Multi.createFrom()
                .iterable(body.jobIds())
                .onItem()
                .transformToUniAndConcatenate(this::redriveOne)
                .collect()
                .asList()
                .map(items -> new RedriveAnswer(items, (int) items.stream()
                        .filter(i -> i.outcome().equals("redriven"))
                        .count()));
    }

    private Uni<RedriveItem> redriveOne(String id) {
        Optional<UUID> uuid = JobIds.parse(id);
        if (uuid.isEmpty()) {
            return Uni.createFrom().item(new RedriveItem(id, "not-found", null));
        }
        return redrive.redrive(uuid.get())
                .chain(done -> done.isPresent()
                        ? Uni.createFrom()
                                .item(new RedriveItem(id, "redriven", done.get().state()))
                        : store.state(uuid.get())
                                .map(state -> state.map(s -> new RedriveItem(id, "not-redrivable", s.wireName()))
                                        .orElseGet(() -> new RedriveItem(id, "not-found", null))));
    }

    @POST
    @Path("dead-letters/delete")
    @Operation(
            summary = "Delete dead letters (admin)",
            description = "Removes the entries from the dead-letter list; their jobs stay as they are. "
                    + "Ids that are not there are ignored.")
    @APIResponse(
            responseCode = "200",
            description = "How many of the entries were deleted",
            content = @Content(schema = @Schema(implementation = DeleteAnswer.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<DeleteAnswer> deleteMany(
            @Valid @NotNull(message = "a JSON body is required") EntryIdList body,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        for (int i = 0; i < body.ids().size(); i++) {
            if (!StreamIds.isValid(body.ids().get(i))) {
                throw ProblemException.badRequest(
                        "ids[" + i + "]", "ids[" + i + "] must be a dead-letter id such as 1700000000000-0");
            }
        }
        List<String> ids = body.ids().stream().distinct().toList();
        return deadLetters.delete(ids).map(deleted -> new DeleteAnswer(ids.size(), deleted));
    }

    @POST
    @Path("jobs/cancel")
    @Operation(
            summary = "Cancel the unfinished jobs a filter matches (admin)",
            description =
                    "Every tenant's unfinished (queued, scheduled, retrying, running) jobs that match state, priority, "
                            + "since and until (all optional), newest first, at most limit (default 1000) per call.")
    @APIResponse(
            responseCode = "200",
            description = "How many jobs matched and what became of them",
            content = @Content(schema = @Schema(implementation = CancelAnswer.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<CancelAnswer> cancelMatching(
            @Valid @NotNull(message = "a JSON body is required") CancelFilter body,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        JobFilter filter =
                JobFilters.of(Optional.empty(), body.state(), body.priority(), body.since(), body.until(), null);
        if (filter.state().filter(JobState::terminal).isPresent()) {
            throw ProblemException.badRequest(
                    "state", "only queued, scheduled, running and retrying jobs can be cancelled");
        }
        int limit = body.limit() == null ? 1000 : body.limit();
        return listing.liveIds(filter, limit)
                .chain(ids -> Multi.createFrom()
                        .iterable(ids)
                        .onItem()
                        .transformToUniAndConcatenate(cancellation::cancel)
                        .collect()
                        .asList()
                        .map(outcomes -> new CancelAnswer(
                                ids.size(),
                                count(outcomes, JobState.CANCELLED),
                                count(outcomes, JobState.RUNNING),
                                (int) outcomes.stream()
                                        .filter(Optional::isEmpty)
                                        .count())));
    }

    private static int count(List<Optional<JobState>> outcomes, JobState state) {
        return (int) outcomes.stream()
                .filter(o -> o.filter(s -> s == state).isPresent())
                .count();
    }
}
