package dev.trawl.api;

import dev.trawl.events.StreamIds;
import dev.trawl.job.DeadLetter;
import dev.trawl.job.DeadLetters;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/** The dead-letter stream, newest first, each entry with its job's current status from PostgreSQL. */
@Path("/v1/dead-letters")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /** One dead letter; {@code status} is the job's status now (e.g. {@code queued} once re-driven). */
    public record Entry(
            String id, String jobId, String url, String errorCode, int attempts, Instant at, String status) {}

    /** {@code next} is the {@code after} of the following page, null on the last one. */
    public record Page(List<Entry> items, String next) {}

    private final DeadLetters deadLetters;
    private final JobStore store;
    private final AdminToken admin;

    public DeadLetterResource(DeadLetters deadLetters, JobStore store, AdminToken admin) {
        this.deadLetters = deadLetters;
        this.store = store;
        this.admin = admin;
    }

    @GET
    @Operation(
            summary = "Dead letters, newest first (admin)",
            description = "Each entry with its job's status now; " + "pass next as after for the following page.")
    @APIResponse(
            responseCode = "200",
            description = "A page of dead letters",
            content = @Content(schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<Page> list(
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @RestQuery
                    @DefaultValue("50")
                    @Min(value = 1, message = "must be at least 1") @Max(value = 500, message = "must be at most 500") int limit,
            @RestQuery String after,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        if (after != null && !StreamIds.isValid(after)) {
            throw ProblemException.badRequest("after", "after must be a dead-letter id such as 1700000000000-0");
        }
        if (after != null && StreamIds.isFirst(after)) {
            return Uni.createFrom().item(new Page(List.of(), null)); // nothing is older than the first id there can be
        }
        return deadLetters
                .newestFirst(Optional.ofNullable(after), limit)
                .chain(letters -> store.states(letters.stream()
                                .map(DeadLetter::jobId)
                                .distinct()
                                .toList())
                        .map(states -> {
                            List<Entry> items = letters.stream()
                                    .map(l -> new Entry(
                                            l.entryId(),
                                            l.jobId().toString(),
                                            l.url(),
                                            l.errorCode(),
                                            l.attempts(),
                                            l.at(),
                                            Optional.ofNullable(states.get(l.jobId()))
                                                    .map(JobState::wireName)
                                                    .orElse(null)))
                                    .toList();
                            return new Page(
                                    items,
                                    items.size() < limit
                                            ? null
                                            : items.get(items.size() - 1).id());
                        }));
    }
}
