package dev.trawl.api;

import dev.trawl.job.JobLogKeys;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Puts the trace id of a valid {@code traceparent} header into the log context (MDC key
 * {@value JobLogKeys#TRACE_ID}) of the request, so the lines the API logs while it handles a
 * submit carry the same id as the worker's lines for the job. Quarkus keeps the MDC in the
 * request's own Vert.x context, so it ends with the request.
 */
public class TraceLogContext {

    @ServerRequestFilter(preMatching = true)
    public void addTraceId(HttpServerRequest request) {
        String traceId = TraceParent.traceIdOf(request.headers());
        if (traceId != null) {
            MDC.put(JobLogKeys.TRACE_ID, traceId);
        }
    }
}
