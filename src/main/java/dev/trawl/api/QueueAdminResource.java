package dev.trawl.api;

import dev.trawl.job.Priority;
import dev.trawl.job.QueueFigures;
import dev.trawl.job.QueuePauses;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

/**
 * Pausing and resuming a priority's queue: while paused, workers on every pod take no new job
 * from it (within {@code pause-refresh-ms}); submits are still accepted and wait in it.
 */
@Path("/v1/admin/queues")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class QueueAdminResource {

    public record Queues(List<StatsResource.QueueView> queues) {}

    private final QueuePauses pauses;
    private final QueueFigures figures;
    private final AdminToken admin;

    public QueueAdminResource(QueuePauses pauses, QueueFigures figures, AdminToken admin) {
        this.pauses = pauses;
        this.figures = figures;
        this.admin = admin;
    }

    @GET
    @Operation(summary = "The queues, each with its figures and whether it is paused (admin)")
    @APIResponse(
            responseCode = "200",
            description = "One item per priority",
            content = @Content(schema = @Schema(implementation = Queues.class)))
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<Queues> list(
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        return queues();
    }

    @PUT
    @Path("{priority}/pause")
    @Operation(
            summary = "Pause a queue (admin)",
            description = "Workers on every pod stop taking new jobs from it within a second; "
                    + "jobs already taken run to their end. Pausing a paused queue is harmless.")
    @APIResponse(
            responseCode = "200",
            description = "The queues now",
            content = @Content(schema = @Schema(implementation = Queues.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<Queues> pause(
            @Parameter(description = "high, normal or low") @RestPath String priority,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        return pauses.pause(priorityOf(priority)).chain(this::queues);
    }

    @DELETE
    @Path("{priority}/pause")
    @Operation(
            summary = "Resume a queue (admin)",
            description = "Workers take from it again; resuming a queue that is not paused is harmless.")
    @APIResponse(
            responseCode = "200",
            description = "The queues now",
            content = @Content(schema = @Schema(implementation = Queues.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<Queues> resume(
            @Parameter(description = "high, normal or low") @RestPath String priority,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        return pauses.resume(priorityOf(priority)).chain(this::queues);
    }

    private static Priority priorityOf(String priority) {
        return JobFilters.priority(priority)
                .orElseThrow(() -> ProblemException.badRequest("priority", "priority must be high, normal or low"));
    }

    private Uni<Queues> queues() {
        return figures.queues()
                .map(list -> new Queues(
                        list.stream().map(StatsResource.QueueView::of).toList()));
    }
}
