package dev.trawl.console;

import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The console is a single page served from {@code META-INF/resources/console}: every console
 * path that names no file (no dot in it), such as {@code /console/jobs/{id}}, gets its
 * {@code index.html}, whose script reads the path and opens that page, so deep links and reloads
 * work. Its files are public; it calls the API with the key its user types in.
 */
@ApplicationScoped
public class ConsoleRoutes {

    static final String INDEX = "/console/index.html";
    private static final String ROLE_OFF = "{\"type\":\"https://trawl.dev/problems/api-role-off\",\"title\":"
            + "\"Not served here\",\"status\":404,\"detail\":\"This process runs without the api role (trawl.roles)\"}";

    private final RolesConfig roles;

    public ConsoleRoutes(RolesConfig roles) {
        this.roles = roles;
    }

    void install(@Observes Router router) {
        if (!roles.runs(Role.API)) {
            // a worker-only pod serves no console either, and says why, as it does for the API
            router.routeWithRegex("/console(/.*)?")
                    .handler(context -> context.response()
                            .setStatusCode(404)
                            .putHeader("Content-Type", "application/problem+json")
                            .end(ROLE_OFF));
            return;
        }
        router.getWithRegex("/console(/[^.]*)?").handler(context -> context.reroute(INDEX));
    }
}
