package dev.trawl.webhook;

import dev.trawl.api.AdminToken;
import dev.trawl.api.Problem;
import dev.trawl.api.ProblemException;
import dev.trawl.tenancy.ApiKeys;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

/** Admin: a new webhook secret for a key holder, e.g. when theirs leaked and they cannot rotate it themselves. */
@Path("/v1/admin/keys/{id}/webhook-secret")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class KeyWebhookSecretResource {

    private final WebhookSecrets secrets;
    private final ApiKeys keys;
    private final AdminToken admin;

    public KeyWebhookSecretResource(WebhookSecrets secrets, ApiKeys keys, AdminToken admin) {
        this.secrets = secrets;
        this.keys = keys;
        this.admin = admin;
    }

    @POST
    @Path("rotate")
    @Operation(
            summary = "Make a new webhook secret for a key holder (admin)",
            description = "The secret is in this answer only; hand it to the key holder.")
    @APIResponse(
            responseCode = "200",
            description = "The new secret",
            content = @Content(schema = @Schema(implementation = WebhookSecretResource.Rotation.class)))
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    @APIResponse(responseCode = "404", ref = "ApiKeyNotFound")
    @APIResponse(responseCode = "503", ref = "WebhooksDisabled")
    public Uni<WebhookSecretResource.Rotation> rotateForKey(
            @RestPath String id,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        UUID keyId = parse(id);
        return keys.all()
                .map(all -> all.stream()
                        .filter(k -> k.id().equals(keyId) && k.revokedAt() == null)
                        .findFirst()
                        .orElseThrow(() -> keyNotFound(id)))
                .chain(key -> WebhookSecretResource.rotate(secrets, "key:" + key.id()));
    }

    private static ProblemException keyNotFound(String id) {
        return new ProblemException(
                Problem.of(404, "api-key-not-found", "API key not found", "No API key has the id " + id)
                        .withField("id"));
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw keyNotFound(id);
        }
    }
}
