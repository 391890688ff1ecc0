package dev.trawl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.job.IdempotencyKeys;
import dev.trawl.job.JobKey;
import dev.trawl.job.JobSpec;
import dev.trawl.job.Sha256;
import dev.trawl.job.SubmittedJob;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.function.Function;
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

    /** What a submit answers: kept whole so that a retry gets exactly the same. */
    public record Answer(SubmittedJob job, String location, Object body) {

        int status() {
            return job.deduplicated() ? 200 : 202;
        }
    }

    /** The caller of a request as far as its keys go: never the API key or address itself. */
    public record Caller(String idempotencyKey, String clientHash) {

        /** Read from the Vert.x request, where a header sent empty is "" rather than absent. */
        static Caller of(HttpServerRequest request) {
            String apiKey = request.getHeader("X-Api-Key");
            String client = apiKey != null && !apiKey.isBlank() ? "api-key\n" + apiKey
                    : "address\n" + (request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress());
            return new Caller(request.getHeader(HEADER), Sha256.hex(client));
        }
    }

    private final IdempotencyKeys keys;
    private final ObjectMapper json;

    public IdempotentSubmits(IdempotencyKeys keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    /**
     * @param route  names the endpoint, so one key cannot stand for answers of two shapes
     * @param submit submits the job; called at most once, and only if the key is new
     */
    public Uni<Response> answer(Caller caller, String route, JobSpec spec, boolean dedupe,
            Supplier<Uni<SubmittedJob>> submit, Function<SubmittedJob, Answer> view) {
        String key = caller.idempotencyKey();
        if (key == null) {
            return submit.get().map(job -> toResponse(view.apply(job)));
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw ProblemException.badRequest(HEADER, HEADER + ": must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        String requestHash = Sha256.hex(route + "\n" + JobKey.of(spec) + "\n" + spec.priority().wireName()
                + "\n" + dedupe);
        String client = caller.clientHash();
        return keys.reserve(client, key, requestHash).chain(reserved -> reserved
                ? submit.get().map(view)
                        .call(answer -> keys.record(client, key, answer.job().id(), answer.status(), stored(answer)))
                        .onFailure().call(() -> keys.release(client, key))
                        .map(IdempotentSubmits::toResponse)
                : keys.read(client, key).map(recorded -> replay(recorded, requestHash)));
    }

    private static Response toResponse(Answer answer) {
        return Response.status(answer.status()).location(URI.create(answer.location())).entity(answer.body()).build();
    }

    private String stored(Answer answer) {
        try {
            return new JsonObject().put("location", answer.location())
                    .put("body", new JsonObject(json.writeValueAsString(answer.body()))).encode();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response replay(IdempotencyKeys.Recorded recorded, String requestHash) {
        if (recorded != null && !recorded.requestHash().equals(requestHash)) {
            throw new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
                    HEADER + ": was already used with a different request; use a new key for a new request")
                    .withField(HEADER));
        }
        if (recorded == null || recorded.status() == null) {
            throw new ProblemException(Problem.of(409, "idempotency-key-in-flight", "Request in progress",
                    HEADER + ": a request with this key is still being served; retry shortly").withField(HEADER));
        }
        JsonObject response = new JsonObject(recorded.response());
        return Response.status(recorded.status()).location(URI.create(response.getString("location")))
                .type(MediaType.APPLICATION_JSON).entity(response.getJsonObject("body").encode()).build();
    }
}
