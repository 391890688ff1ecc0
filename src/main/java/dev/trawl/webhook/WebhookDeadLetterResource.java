package dev.trawl.webhook;

import dev.trawl.api.AdminToken;
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
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/** Admin: webhook deliveries that never succeeded, newest first. */
@Path("/v1/admin/webhook-dead-letters")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookDeadLetterResource {

    /** One event whose delivery was given up on; {@code error} is the last attempt's. */
    public record Entry(
            String jobId,
            String eventId,
            String event,
            String owner,
            String url,
            int attempts,
            String error,
            OffsetDateTime at) {}

    public record Page(List<Entry> items) {}

    private final WebhookLedger ledger;
    private final AdminToken admin;

    public WebhookDeadLetterResource(WebhookLedger ledger, AdminToken admin) {
        this.ledger = ledger;
        this.admin = admin;
    }

    @GET
    @Operation(summary = "Webhook deliveries given up on, newest first (admin)")
    @APIResponse(
            responseCode = "200",
            description = "The newest dead letters",
            content = @Content(schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<Page> list(
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @RestQuery
                    @DefaultValue("50")
                    @Min(value = 1, message = "must be at least 1") @Max(value = 500, message = "must be at most 500") int limit,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        return ledger.deadLetters(limit)
                .map(letters -> new Page(letters.stream()
                        .map(l -> new Entry(
                                l.jobId().toString(),
                                l.eventId(),
                                l.eventType(),
                                l.owner(),
                                l.url(),
                                l.attempts(),
                                l.error(),
                                l.at()))
                        .toList()));
    }
}
