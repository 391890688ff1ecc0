package dev.trawl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body declared larger than the route accepts with a problem+json 413 before it is
 * read: {@code trawl.api.max-body-size} for every route but the batch submit, which may carry
 * up to {@code quarkus.http.limits.max-body-size} (the HTTP layer's own limit, which alone would
 * answer with an empty body, and which also bounds bodies sent without a length).
 */
@ApplicationScoped
public class RequestSizeGuard {

    static final String BATCH_PATH = "/v1/jobs/batch";

    private final long limit;
    private final long batchLimit;
    private final String problem;
    private final String batchProblem;

    public RequestSizeGuard(
            ApiConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize batchLimit,
            ObjectMapper json)
            throws JsonProcessingException {
        this.limit = config.maxBodySize().asLongValue();
        this.batchLimit = batchLimit.asLongValue();
        this.problem = problem(json, limit);
        this.batchProblem = problem(json, this.batchLimit);
    }

    private static String problem(ObjectMapper json, long limit) throws JsonProcessingException {
        return json.writeValueAsString(Problem.of(
                        413,
                        "body-too-large",
                        "Content too large",
                        "The request body is larger than the " + limit + " bytes the server accepts")
                .withField("body"));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String declared = ctx.request().getHeader("Content-Length");
            boolean batch = BATCH_PATH.equals(ctx.request().path());
            if (declared != null && isOver(declared, batch ? batchLimit : limit)) {
                ctx.response()
                        .setStatusCode(413)
                        .putHeader("Content-Type", ProblemMappers.PROBLEM_JSON)
                        .putHeader("Connection", "close")
                        .end(batch ? batchProblem : problem);
            } else {
                ctx.next();
            }
        });
    }

    private static boolean isOver(String declared, long limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException malformed) {
            return false; // the HTTP layer rejects it
        }
    }
}
