package dev.trawl.api;

import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** A worker-only pod answers no API request: the Service should not route them here, and if it does, it is told. */
public class ApiRoleGate {

    private final RolesConfig roles;

    public ApiRoleGate(RolesConfig roles) {
        this.roles = roles;
    }

    @ServerRequestFilter
    public Response refuseWithoutApiRole(ContainerRequestContext request) {
        if (roles.runs(Role.API)) {
            return null;
        }
        return ProblemMappers.toResponse(Problem.of(
                404, "api-role-off", "Not served here", "This process runs without the api role (trawl.roles)"));
    }
}
