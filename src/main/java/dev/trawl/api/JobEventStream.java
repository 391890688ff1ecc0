package dev.trawl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.events.EventLog;
import dev.trawl.events.EventsConfig;
import dev.trawl.events.JobEventFeed;
import dev.trawl.events.SseFrames;
import dev.trawl.events.StreamIds;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import dev.trawl.tenancy.Tenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * {@code GET /v1/jobs/{id}/events} (and the original {@code GET /jobs/{id}/stream}): a job's
 * events as Server-Sent Events. {@code id:} is the stream entry id, {@code event:} the type,
 * {@code data:} the JSON. The stream opens with {@code retry:} and a heartbeat comment, gets a
 * heartbeat whenever it has been idle for {@code trawl.events.heartbeat}, and ends after the
 * terminal event. A client that already has the terminal event (or anything else there is) of a
 * finished job gets {@code 204 No Content}, which tells an EventSource to stop reconnecting. A
 * caller past {@code trawl.events.max-streams-per-caller} streams on this pod gets 429, a pod past
 * {@code max-streams-per-pod} 503 ({@link StreamSlots}); no stream outlives
 * {@code max-stream-lifetime}: the heartbeat sweep ends it and the client resumes with Last-Event-ID.
 *
 * <p>A plain Vert.x route rather than a JAX-RS method: a pod holds thousands of these for
 * minutes, and each then costs a response, a small {@link EventStreamConnection} and a follower,
 * instead of a REST request context, a Mutiny pipeline with context-propagation wrappers and a
 * heartbeat timer of its own. Every event's frame is encoded once and written to every follower.
 * Errors before the stream starts are the API's problem+json answers.
 */
@ApplicationScoped
public class JobEventStream {

    private static final Logger LOG = Logger.getLogger(JobEventStream.class);
    static final String EVENT_STREAM = "text/event-stream";

    private final JobLookup lookup;
    private final JobEventFeed feed;
    private final EventLog log;
    private final SseHeartbeats heartbeats;
    private final RolesConfig roles;
    private final ObjectMapper json;
    private final Buffer preamble;
    private final int followerBuffer;
    private final StreamSlots slots;
    private final long lifetimeNanos;
    private final String retryAfterSeconds;
    private final Counter refusedForCaller;
    private final Counter refusedForPod;
    private final Counter eventsSent;

    public JobEventStream(
            JobLookup lookup,
            JobEventFeed feed,
            EventLog log,
            SseHeartbeats heartbeats,
            RolesConfig roles,
            EventsConfig config,
            ObjectMapper json,
            StreamSlots slots,
            MeterRegistry registry) {
        this.slots = slots;
        this.refusedForCaller = Counter.builder("trawl.sse.refused")
                .tag("reason", "caller-cap")
                .description("Event streams refused because the caller or the pod held as many as it may")
                .register(registry);
        this.refusedForPod =
                Counter.builder("trawl.sse.refused").tag("reason", "pod-cap").register(registry);
        this.eventsSent = Counter.builder("trawl.sse.events.sent")
                .description("Job events written to event streams (replayed and live; heartbeats not counted)")
                .register(registry);
        this.lifetimeNanos = config.maxStreamLifetime().toNanos();
        this.retryAfterSeconds = Long.toString(Math.max(1, config.retry().toSeconds()));
        this.lookup = lookup;
        this.feed = feed;
        this.log = log;
        this.heartbeats = heartbeats;
        this.roles = roles;
        this.json = json;
        this.preamble = SseFrames.retry(config.retry().toMillis()).appendBuffer(SseFrames.HEARTBEAT);
        this.followerBuffer = config.followerBuffer();
    }

    void install(@Observes Router router) {
        // before the REST handler (which has no method for these paths any more)
        for (String path : new String[] {"/v1/jobs/:id/events", "/jobs/:id/stream"}) {
            router.get(path).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::open);
            router.route(path)
                    .order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT + 1)
                    .handler(ctx -> {
                        ctx.response().putHeader("Allow", "GET");
                        answer(
                                ctx,
                                Problem.of(
                                        405,
                                        "method-not-allowed",
                                        "Method Not Allowed",
                                        "HTTP 405 Method Not Allowed"));
                    });
        }
    }

    /**
     * The id to replay after, null for the whole log; a 400 problem if it is not a stream id, or is
     * the largest one, after which no event can come (and which Redis refuses to range from).
     */
    static String parseLastEventId(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        String id = lastEventId.trim();
        if (!StreamIds.isValid(id) || StreamIds.isLast(id)) {
            throw new ProblemException(Problem.of(
                            400,
                            "invalid-request",
                            "Invalid request",
                            "Last-Event-ID must be an event id this stream sent, like 1700000000000-0")
                    .withField("Last-Event-ID"));
        }
        return id;
    }

    /** No Accept header, or one that takes an event stream ({@code text/event-stream}, {@code text/*}, {@code * /*}). */
    static boolean acceptsEventStream(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals(EVENT_STREAM) || type.equals("text/*") || type.equals("*/*")) {
                return true;
            }
        }
        return false;
    }

    private void open(RoutingContext ctx) {
        if (!roles.runs(Role.API)) {
            answer(
                    ctx,
                    Problem.of(
                            404,
                            "api-role-off",
                            "Not served here",
                            "This process runs without the api role (trawl.roles)"));
            return;
        }
        if (!acceptsEventStream(ctx.request().getHeader("Accept"))) {
            answer(
                    ctx,
                    Problem.of(
                            406,
                            "not-acceptable",
                            "Not Acceptable",
                            "The accept header value did not match the value in @Produces"));
            return;
        }
        String id = ctx.pathParam("id");
        String after;
        UUID jobId;
        try {
            after = parseLastEventId(ctx.request().getHeader("Last-Event-ID"));
            jobId = JobLookup.parseId(id);
        } catch (ProblemException e) {
            answer(ctx, e.problem());
            return;
        }
        Tenant caller = Tenant.of(ctx);
        StreamSlots.Admission admission = slots.admit(caller.id());
        if (admission instanceof StreamSlots.CallerFull full) {
            refusedForCaller.increment();
            answer(
                    ctx.response(),
                    Problem.of(
                            429,
                            "too-many-streams",
                            "Too many event streams",
                            "This caller already has " + full.limit() + " event streams open here; close one first"),
                    retryAfterSeconds);
            return;
        }
        if (admission instanceof StreamSlots.PodFull full) {
            refusedForPod.increment();
            answer(
                    ctx.response(),
                    Problem.of(
                            503,
                            "streams-unavailable",
                            "No room for another event stream",
                            "This server holds as many event streams as it may (" + full.limit()
                                    + "); try again shortly"),
                    retryAfterSeconds);
            return;
        }
        StreamSlots.Slot slot = ((StreamSlots.Granted) admission).slot();
        // a stream gives its slot back once, however it ends (see EventStreamConnection#finish)
        var connection = new EventStreamConnection(
                ctx.response(),
                preamble,
                followerBuffer,
                heartbeats.ofThisLoop(),
                slot,
                jitteredLifetime(),
                this::answerFailure,
                eventsSent);
        lookup.state(caller, id)
                .subscribe()
                .with(
                        state -> {
                            if (!state.terminal()) {
                                connection.follow(feed, jobId, after, false);
                                return;
                            }
                            // a finished job: anything left to send? If not, 204 stops the EventSource for good
                            log.readAfter(jobId, after == null ? StreamIds.BEGINNING : after, 1)
                                    .subscribe()
                                    .with(
                                            rest -> {
                                                if (rest.isEmpty()) {
                                                    connection.noContent();
                                                } else {
                                                    connection.follow(feed, jobId, after, true);
                                                }
                                            },
                                            connection::fail);
                        },
                        connection::fail);
    }

    /** Up to a tenth less than the lifetime, so the streams of a restarted pod do not all reconnect at once. */
    private long jitteredLifetime() {
        return lifetimeNanos - ThreadLocalRandom.current().nextLong(lifetimeNanos / 10 + 1);
    }

    /** A failure before the stream started: the problem+json the rest of the API would give. */
    private void answerFailure(HttpServerResponse response, Throwable failure) {
        if (failure instanceof ProblemException problem) {
            answer(response, problem.problem(), null);
        } else if (ProblemMappers.isUnreachableDependency(failure)) {
            LOG.warnf("A dependency is unreachable: %s", failure.getMessage());
            answer(
                    response,
                    Problem.of(
                            503,
                            "dependency-unavailable",
                            "Service unavailable",
                            "PostgreSQL or Redis is unreachable; try again shortly"),
                    "5");
        } else {
            LOG.error("Unexpected error while opening an event stream", failure);
            answer(
                    response,
                    Problem.of(
                            500,
                            "internal-error",
                            "Internal error",
                            "The server failed to process the request; it has been logged"),
                    null);
        }
    }

    private void answer(RoutingContext ctx, Problem problem) {
        answer(ctx.response(), problem, null);
    }

    private void answer(HttpServerResponse response, Problem problem, String retryAfter) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", ProblemMappers.PROBLEM_JSON);
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        response.end(body);
    }
}
