package dev.trawl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.job.IdempotencyKeys;
import dev.trawl.job.JobKey;
import dev.trawl.job.JobSpec;
import dev.trawl.job.Sha256;
import dev.trawl.job.SubmittedJob;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Honours {@code Idempotency-Key} on the submit endpoints: the first request with a key submits
 * and its answer is recorded; a retry with the same key and request gets that answer again, one
 * with another request a 422, one arriving while the first still runs a 409.
 */
@ApplicationScoped
public class IdempotentSubmits {

    static final String HEADER = "Idempotency-Key";
    private static final int MAX_KEY_LENGTH = 255;

    /**
     * What a submit answers: kept whole so that a retry gets exactly the same. {@code location}
     * may be null (a batch has none); {@code jobId} is the job the key then stands for, if one.
     */
    public record Answer(int status, String location, Object body, UUID jobId) {

        /** The answer of a single submit: 200 for a job that deduplicated to another, else 202. */
        static Answer of(SubmittedJob job, String location, Object body) {
            return new Answer(job.deduplicated() ? 200 : 202, location, body, job.id());
        }
    }

    /** The caller of a request as far as its keys go: never the API key or address itself. */
    public record Caller(String idempotencyKey, String clientHash) {

        /** The key of the request, scoped to its caller (see {@link Tenant}). */
        static Caller of(RoutingContext context) {
            return new Caller(
                    context.request().getHeader(HEADER),
                    Sha256.hex(Tenant.of(context).id()));
        }
    }

    private final IdempotencyKeys keys;
    private final ObjectMapper json;

    public IdempotentSubmits(IdempotencyKeys keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    /** What identifies one job of a request for its key: two requests with the same are the same request. */
    static String fingerprint(JobSpec spec, boolean dedupe) {
        return JobKey.of(spec) + "\n" + spec.priority().wireName() + "\n" + dedupe;
    }

    /**
     * @param route       names the endpoint, so one key cannot stand for answers of two shapes
     * @param fingerprint what the request asks for ({@link #fingerprint}); a key reused with another gets 422
     * @param submit      submits and says what to answer; called at most once, and only if the key is new
     */
    public Uni<Response> answer(Caller caller, String route, String fingerprint, Supplier<Uni<Answer>> submit) {
        String key = caller.idempotencyKey();
        if (key == null) {
            return submit.get().map(IdempotentSubmits::toResponse);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw ProblemException.badRequest(HEADER, HEADER + ": must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        String requestHash = Sha256.hex(route + "\n" + fingerprint);
        String client = caller.clientHash();
        return keys.reserve(client, key, requestHash)
                .chain(reserved -> reserved
                        ? submit.get()
                                .call(answer ->
                                        keys.record(client, key, answer.jobId(), answer.status(), stored(answer)))
                                .onFailure()
                                .call(() -> keys.release(client, key))
                                .map(IdempotentSubmits::toResponse)
                        : keys.read(client, key).map(recorded -> replay(recorded, requestHash)));
    }

    private static Response toResponse(Answer answer) {
        Response.ResponseBuilder response = Response.status(answer.status()).entity(answer.body());
        return (answer.location() == null ? response : response.location(URI.create(answer.location()))).build();
    }

    private String stored(Answer answer) {
        try {
            JsonObject stored = new JsonObject().put("body", new JsonObject(json.writeValueAsString(answer.body())));
            return (answer.location() == null ? stored : stored.put("location", answer.location())).encode();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response replay(IdempotencyKeys.Recorded recorded, String requestHash) {
        if (recorded != null && !recorded.requestHash().equals(requestHash)) {
            throw new ProblemException(Problem.of(
                            422,
                            "idempotency-key-reused",
                            "Idempotency key reused",
                            HEADER + ": was already used with a different request; use a new key for a new request")
                    .withField(HEADER));
        }
        if (recorded == null || recorded.status() == null) {
            throw new ProblemException(Problem.of(
                            409,
                            "idempotency-key-in-flight",
                            "Request in progress",
                            HEADER + ": a request with this key is still being served; retry shortly")
                    .withField(HEADER));
        }
        JsonObject response = new JsonObject(recorded.response());
        Response.ResponseBuilder replayed = Response.status(recorded.status())
                .type(MediaType.APPLICATION_JSON)
                .entity(response.getJsonObject("body").encode());
        String location = response.getString("location");
        return (location == null ? replayed : replayed.location(URI.create(location))).build();
    }
}
