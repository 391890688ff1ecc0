package dev.trawl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body declared larger than {@code quarkus.http.limits.max-body-size} with a
 * problem+json 413 before it is read; the HTTP layer alone would answer with an empty body.
 */
@ApplicationScoped
public class RequestSizeGuard {

    private final long limit;
    private final String problem;

    public RequestSizeGuard(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit,
            ObjectMapper json) throws JsonProcessingException {
        this.limit = limit.asLongValue();
        this.problem = json.writeValueAsString(Problem.of(413, "body-too-large", "Content too large",
                "The request body is larger than the " + this.limit + " bytes the server accepts").withField("body"));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String declared = ctx.request().getHeader("Content-Length");
            if (declared != null && isOver(declared)) {
                ctx.response().setStatusCode(413)
                        .putHeader("Content-Type", ProblemMappers.PROBLEM_JSON)
                        .putHeader("Connection", "close")
                        .end(problem);
            } else {
                ctx.next();
            }
        });
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException malformed) {
            return false; // the HTTP layer rejects it
        }
    }
}
