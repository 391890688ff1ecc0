package dev.trawl.tenancy;

import dev.trawl.api.AdminToken;
import dev.trawl.api.Problem;
import dev.trawl.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

/** Admin: issues, lists and revokes API keys. A key's secret is in the answer to its creation only. */
@Path("/v1/admin/keys")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeyResource {

    /** {@code tier} defaults to {@code api-key}. */
    public record NewKey(
            @NotBlank(message = "a name is required") @Size(max = 200, message = "must be at most 200 characters") String name,

            String tier) {}

    /** The answer to a creation: the key's view and, once, its secret. */
    public record Created(UUID id, String name, String tier, String key, Instant createdAt) {}

    public record KeyList(List<Listed> keys) {}

    public record Listed(UUID id, String name, String tier, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {

        static Listed of(ApiKeys.KeyView key) {
            return new Listed(
                    key.id(), key.name(), key.tier().wireName(), key.createdAt(), key.lastUsedAt(), key.revokedAt());
        }
    }

    private final ApiKeys keys;
    private final AdminToken admin;

    public ApiKeyResource(ApiKeys keys, AdminToken admin) {
        this.keys = keys;
        this.admin = admin;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Issue an API key (admin)",
            description = "The key is in this answer only; PostgreSQL keeps " + "its SHA-256.")
    @APIResponse(
            responseCode = "201",
            description = "The key, shown once; Location is the key",
            content = @Content(schema = @Schema(implementation = Created.class)))
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<Response> create(
            @Valid @NotNull(message = "a JSON body is required") NewKey body,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        Tier tier = body.tier() == null
                ? Tier.API_KEY
                : Tier.fromWire(body.tier())
                        .filter(Tier::issuable)
                        .orElseThrow(
                                () -> ProblemException.badRequest("tier", "tier must be api-key, premium or admin"));
        return keys.issue(body.name().trim(), tier)
                .map(issued -> Response.created(
                                URI.create("/v1/admin/keys/" + issued.key().id()))
                        .entity(new Created(
                                issued.key().id(),
                                issued.key().name(),
                                tier.wireName(),
                                issued.secret(),
                                issued.key().createdAt()))
                        .build());
    }

    @GET
    @Operation(summary = "Every API key, oldest first, never its secret (admin)")
    @APIResponse(
            responseCode = "200",
            description = "The keys",
            content = @Content(schema = @Schema(implementation = KeyList.class)))
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    public Uni<KeyList> list(
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        return keys.all().map(all -> new KeyList(all.stream().map(Listed::of).toList()));
    }

    /** Revokes at once: every API pod checks keys against PostgreSQL on each request. */
    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API key (admin)", description = "At once on every pod; again is harmless.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "AdminTokenInvalid")
    @APIResponse(responseCode = "403", ref = "AdminOnly")
    @APIResponse(responseCode = "404", ref = "ApiKeyNotFound")
    public Uni<Response> revoke(
            @RestPath String id,
            @Parameter(description = AdminToken.DESCRIPTION) @RestHeader(AdminToken.HEADER) String token,
            @Context RoutingContext context) {
        admin.require(Tenant.of(context), token);
        UUID keyId = parse(id);
        return keys.revoke(keyId)
                .map(revoked -> revoked.map(key -> Response.noContent().build()).orElseThrow(() -> keyNotFound(id)));
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
