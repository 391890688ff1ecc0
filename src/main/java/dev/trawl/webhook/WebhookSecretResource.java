package dev.trawl.webhook;

import dev.trawl.api.Problem;
import dev.trawl.api.ProblemException;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The caller's webhook secret: rotate it (the new secret is in that answer only) or see when it
 * was made; an admin rotates a key holder's with
 * {@link KeyWebhookSecretResource}. A caller only ever reaches its own secret.
 */
@Path("/v1/webhook-secret")
@Tag(name = "webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookSecretResource {

    /** The answer to a rotation: the new secret, shown this once, and until when the previous one still signs. */
    @Schema(example = """
            {"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw...", "rotatedAt": "2026-11-28T05:00:00Z",
             "previousValidUntil": "2026-11-29T05:00:00Z"}""")
    public record Rotation(String secret, OffsetDateTime rotatedAt, OffsetDateTime previousValidUntil) {}

    /** A secret as anyone may see it: never the secret itself. */
    public record SecretInfo(OffsetDateTime rotatedAt, OffsetDateTime previousValidUntil) {}

    private final WebhookSecrets secrets;

    public WebhookSecretResource(WebhookSecrets secrets) {
        this.secrets = secrets;
    }

    @POST
    @Path("rotate")
    @Operation(
            summary = "Make a new webhook secret for your deliveries",
            description = "The secret is in this answer only. The previous one keeps signing (a second"
                    + " signature) for trawl.webhooks.rotation-grace.")
    @APIResponse(
            responseCode = "200",
            description = "The new secret",
            content = @Content(schema = @Schema(implementation = Rotation.class)))
    @APIResponse(responseCode = "403", ref = "WebhookNeedsKey")
    @APIResponse(responseCode = "503", ref = "WebhooksDisabled")
    public Uni<Rotation> rotate(@Context RoutingContext context) {
        return rotate(secrets, keyHolder(Tenant.of(context)));
    }

    @GET
    @Operation(summary = "When your webhook secret was made (never the secret)")
    @APIResponse(
            responseCode = "200",
            description = "Your secret's dates",
            content = @Content(schema = @Schema(implementation = SecretInfo.class)))
    @APIResponse(responseCode = "403", ref = "WebhookNeedsKey")
    @APIResponse(responseCode = "404", ref = "WebhookSecretNotFound")
    public Uni<SecretInfo> show(@Context RoutingContext context) {
        String tenant = keyHolder(Tenant.of(context));
        return secrets.view(tenant)
                .map(view -> view.map(v -> new SecretInfo(v.rotatedAt(), v.previousValidUntil()))
                        .orElseThrow(() -> new ProblemException(Problem.of(
                                404,
                                "webhook-secret-not-found",
                                "No webhook secret",
                                "You have no webhook secret yet: POST /v1/webhook-secret/rotate makes one"))));
    }

    static Uni<Rotation> rotate(WebhookSecrets secrets, String tenant) {
        if (!secrets.enabled()) {
            throw new ProblemException(Problem.of(
                    503,
                    "webhooks-disabled",
                    "Webhooks are not set up",
                    "This server has no trawl.webhooks.encryption-key, so it cannot keep webhook secrets"));
        }
        return secrets.rotate(tenant)
                .map(rotated -> new Rotation(
                        rotated.secret(),
                        rotated.view().rotatedAt(),
                        rotated.view().previousValidUntil()));
    }

    /** The tenant id of a key holder (or an admin); anonymous callers have no secret. */
    static String keyHolder(Tenant caller) {
        if (caller.keyId().isEmpty() && !caller.isAdmin()) {
            throw needsKey("Authorization");
        }
        return caller.id();
    }

    /** 403: webhooks are signed with a secret of the caller's own, which anonymous callers cannot have. */
    public static ProblemException needsKey(String field) {
        // an anonymous caller is an address: whoever else shares it could rotate its secret
        return new ProblemException(Problem.of(
                        403,
                        "webhook-needs-key",
                        "Webhooks need an API key",
                        "webhook: deliveries are signed with a secret of your own, which needs an API key;"
                                + " anonymous callers cannot have one")
                .withField(field));
    }
}
