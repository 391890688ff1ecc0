package dev.trawl.tenancy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.api.AdminConfig;
import dev.trawl.api.Problem;
import dev.trawl.api.ProblemMappers;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Identifies the caller of every API request before anything else reads it: a key sent as
 * {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} names its holder; the configured
 * {@code trawl.admin.token} sent the same way is the bootstrap admin; a request without a key is
 * anonymous, told apart by its address (the peer's, or the one a trusted proxy forwarded: see
 * {@code quarkus.http.proxy.*}). A key that is unknown or revoked is refused with 401, never taken
 * for anonymous. Health, metrics and other {@code /q/} paths are not identified.
 */
@ApplicationScoped
public class CallerIdentification {

    private static final Logger LOG = Logger.getLogger(CallerIdentification.class);
    /**
     * Where the route sits: after Quarkus's CORS filter (order -300), so a preflight never needs a
     * key and a refusal carries the CORS headers a page needs to read it; filters that need the
     * caller come after this one.
     */
    public static final int ORDER = -250;

    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";

    private final ApiKeys keys;
    private final AdminConfig admin;
    private final RolesConfig roles;
    private final String unknownKey;
    private final String unsupportedScheme;
    private final String unavailable;

    public CallerIdentification(ApiKeys keys, AdminConfig admin, RolesConfig roles, ObjectMapper json)
            throws JsonProcessingException {
        this.keys = keys;
        this.admin = admin;
        this.roles = roles;
        this.unknownKey = json.writeValueAsString(
                Problem.of(401, "api-key-invalid", "Unauthorized", "The API key is unknown or has been revoked")
                        .withField("Authorization"));
        this.unsupportedScheme = json.writeValueAsString(Problem.of(
                        401,
                        "authorization-unsupported",
                        "Unauthorized",
                        "Only Authorization: Bearer <API key> is accepted")
                .withField("Authorization"));
        this.unavailable = json.writeValueAsString(Problem.of(
                503,
                "dependency-unavailable",
                "Service unavailable",
                "API keys cannot be checked right now (PostgreSQL is unreachable); try again shortly"));
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::identify);
    }

    private void identify(RoutingContext context) {
        if (!roles.runs(Role.API) || !identifies(context.request().path())) {
            context.next();
            return;
        }
        Presented presented = presentedKey(context);
        switch (presented.kind()) {
            case NONE ->
                proceed(context, Tenant.anonymous(address(context.request().remoteAddress())));
            case UNSUPPORTED -> refuse(context, 401, unsupportedScheme);
            case KEY -> {
                if (isAdminToken(presented.key())) {
                    proceed(context, Tenant.BOOTSTRAP_ADMIN);
                    return;
                }
                keys.holderOf(presented.key())
                        .subscribe()
                        .with(
                                holder -> holder.ifPresentOrElse(
                                        tenant -> proceed(context, tenant), () -> refuse(context, 401, unknownKey)),
                                failure -> {
                                    LOG.warnf("Checking an API key failed: %s", failure.getMessage());
                                    refuse(context, 503, unavailable);
                                });
            }
        }
    }

    /**
     * Every path but health, metrics and the other {@code /q/} endpoints, and the console's
     * static files (public; the console calls the API with the caller's key).
     */
    public static boolean identifies(String path) {
        return !path.startsWith("/q/") && !path.equals("/console") && !path.startsWith("/console/");
    }

    private enum Kind {
        NONE,
        KEY,
        UNSUPPORTED
    }

    private record Presented(Kind kind, String key) {}

    private static Presented presentedKey(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    && !authorization.substring(BEARER.length()).isBlank()) {
                return new Presented(
                        Kind.KEY, authorization.substring(BEARER.length()).trim());
            }
            return new Presented(Kind.UNSUPPORTED, null);
        }
        String apiKey = context.request().getHeader(API_KEY_HEADER);
        return apiKey == null || apiKey.isBlank()
                ? new Presented(Kind.NONE, null)
                : new Presented(Kind.KEY, apiKey.trim());
    }

    private boolean isAdminToken(String key) {
        Optional<String> token = admin.token().filter(t -> !t.isBlank());
        // constant time, so the token cannot be guessed byte by byte from response times
        return token.isPresent()
                && MessageDigest.isEqual(
                        token.get().getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    }

    private static String address(SocketAddress remote) {
        return remote == null ? "" : remote.hostAddress();
    }

    private static void proceed(RoutingContext context, Tenant tenant) {
        context.put(Tenant.CONTEXT_KEY, tenant);
        context.next();
    }

    private static void refuse(RoutingContext context, int status, String body) {
        var response = context.response().setStatusCode(status).putHeader("Content-Type", ProblemMappers.PROBLEM_JSON);
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        } else if (status == 503) {
            response.putHeader("Retry-After", "5"); // as ProblemMappers answers any unreachable dependency
        }
        response.end(body);
    }
}
