package dev.trawl.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.api.ProblemMappers;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import dev.trawl.tenancy.CallerIdentification;
import dev.trawl.tenancy.Tenant;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.UncheckedIOException;

/**
 * Takes one token from the caller's bucket for every API request (a batch takes the rest of its
 * cost once its items are read), right after the caller is identified: a refused request is
 * answered 429 before its body is read. Every limited response carries the caller's standing.
 */
@ApplicationScoped
public class RateLimitFilter {

    private final RateLimiter limiter;
    private final RolesConfig roles;
    private final ObjectMapper json;

    public RateLimitFilter(RateLimiter limiter, RolesConfig roles, ObjectMapper json) {
        this.limiter = limiter;
        this.roles = roles;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(CallerIdentification.ORDER + 1).handler(this::limit);
    }

    private void limit(RoutingContext context) {
        if (!limiter.enabled()
                || !roles.runs(Role.API)
                || !CallerIdentification.identifies(context.request().path())) {
            context.next();
            return;
        }
        limiter.take(Tenant.of(context), 1)
                .subscribe()
                .with(
                        decision -> {
                            RateLimitHeaders.apply(context.response(), decision);
                            if (decision.allowed()) {
                                context.next();
                            } else {
                                context.response()
                                        .setStatusCode(429)
                                        .putHeader("Content-Type", ProblemMappers.PROBLEM_JSON)
                                        .end(body(decision));
                            }
                        },
                        context::fail);
    }

    private String body(Decision decision) {
        try {
            return json.writeValueAsString(RateLimitHeaders.refusal(decision, 1));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
