package dev.trawl.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.trawl.job.QueueUnavailableException;
import io.vertx.pgclient.PgException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error into an RFC 9457 {@code application/problem+json} response. Client mistakes
 * become 4xx naming the field at fault; anything else is a 5xx that reveals nothing internal.
 */
public class ProblemMappers {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    public static Response toResponse(Problem problem) {
        return Response.status(problem.status())
                .type(PROBLEM_JSON)
                .entity(problem)
                .build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return toResponse(e.problem());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        return toResponse(invalid(e.getConstraintViolations()));
    }

    /** Every violation, by field: the first field named at the top, all of them in {@code errors}. */
    static Problem invalid(Set<? extends ConstraintViolation<?>> violations) {
        List<Problem.FieldError> errors = violations.stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail =
                errors.stream().map(err -> err.field() + ": " + err.detail()).collect(Collectors.joining("; "));
        Problem problem =
                Problem.of(400, "invalid-request", "Invalid request", detail).withErrors(errors);
        return errors.isEmpty() ? problem : problem.withField(errors.get(0).field());
    }

    @ServerExceptionMapper
    public Response unparsable(JsonParseException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return toResponse(unreadableProblem(e));
    }

    /** A body (or a part of one) that is not JSON, or not of the expected shape. */
    static Problem unreadableProblem(JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            return Problem.of(
                            400,
                            "malformed-json",
                            "Malformed JSON",
                            "The body is not valid JSON: " + e.getOriginalMessage())
                    .withField("body");
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return Problem.of(
                            400,
                            "invalid-request",
                            "Invalid request",
                            "Unknown field '" + unknown.getPropertyName() + "'")
                    .withField(unknown.getPropertyName());
        }
        String field = e instanceof JsonMappingException mapping ? pathOf(mapping) : "body";
        return Problem.of(
                        400,
                        "invalid-request",
                        "Invalid request",
                        "The value of '" + field + "' has the wrong type or form")
                .withField(field);
    }

    @ServerExceptionMapper
    public Response queueUnavailable(QueueUnavailableException e) {
        return Response.fromResponse(toResponse(Problem.of(
                                503,
                                "queue-unavailable",
                                "Queue unavailable",
                                "The job could not be queued and was not accepted; try again shortly")
                        .withJob(e.jobId().toString(), "failed")))
                .header("Retry-After", "5")
                .build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadable(unreadable);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String detail =
                status == 413 ? "The request body is larger than the server accepts" : String.valueOf(e.getMessage());
        // a 413 is the body-too-large RequestSizeGuard gives, whichever layer noticed it first
        Problem problem = status == 413
                ? Problem.of(413, "body-too-large", "Content too large", detail).withField("body")
                : Problem.of(status, slug(title), title, detail);
        return toResponse(problem);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (isUnreachableDependency(e)) {
            LOG.warnf("A dependency is unreachable: %s", e.getMessage());
            return Response.fromResponse(toResponse(Problem.of(
                            503,
                            "dependency-unavailable",
                            "Service unavailable",
                            "PostgreSQL or Redis is unreachable; try again shortly")))
                    .header("Retry-After", "5")
                    .build();
        }
        LOG.error("Unexpected error while serving a request", e);
        return toResponse(Problem.of(
                500,
                "internal-error",
                "Internal error",
                "The server failed to process the request; it has been logged"));
    }

    /**
     * PostgreSQL or Redis cannot be reached or is going away: a connection refused or reset
     * (SocketException), closed, or a PostgreSQL server that is shutting down or starting up
     * (SQLSTATE 57P01-57P03) or reports a connection exception (class 08). All of these pass
     * with the outage, so the client is told 503 and when to retry, not 500.
     */
    static boolean isUnreachableDependency(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException
                    || t instanceof PgException pg && isServerUnavailable(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isServerUnavailable(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08")
                        || sqlState.equals("57P01")
                        || sqlState.equals("57P02")
                        || sqlState.equals("57P03"));
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** The member's path in the request, e.g. {@code url}, {@code crawl.maxPages}, {@code formats[0]}. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        StringBuilder path = new StringBuilder();
        String parameter = null;
        for (Path.Node node : violation.getPropertyPath()) {
            switch (node.getKind()) {
                case PARAMETER -> parameter = node.getName();
                case PROPERTY -> path.append(path.length() == 0 ? "" : ".").append(node.getName());
                case CONTAINER_ELEMENT -> {
                    if (node.getIndex() != null) {
                        path.append('[').append(node.getIndex()).append(']');
                    } else if (node.getKey() != null) {
                        path.append('.').append(node.getKey());
                    }
                }
                default -> {}
            }
        }
        if (path.length() > 0) {
            return path.toString();
        }
        return parameter == null || "body".equals(parameter) ? "body" : parameter;
    }

    private static String pathOf(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "body" : path;
    }
}
