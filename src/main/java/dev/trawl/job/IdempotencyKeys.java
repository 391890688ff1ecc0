package dev.trawl.job;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The {@code Idempotency-Key}s clients sent and the answers they got, kept for
 * {@code trawl.jobs.idempotency-ttl}. A key is reserved by one INSERT, so of several concurrent
 * requests with the same key exactly one goes on to submit; the others read what it recorded.
 */
@ApplicationScoped
public class IdempotencyKeys {

    /** What a key already stands for; {@code status} and {@code response} are null while its first request runs. */
    public record Recorded(String requestHash, Integer status, String response) {}

    /** An expired key is taken over as if it were new. */
    private static final String RESERVE = """
            INSERT INTO idempotency_keys AS i (client_hash, key, request_hash, expires_at)
            VALUES ($1, $2, $3, now() + make_interval(secs => $4))
            ON CONFLICT (client_hash, key) DO UPDATE
               SET request_hash = EXCLUDED.request_hash, job_id = NULL, status = NULL, response = NULL,
                   created_at = now(), expires_at = EXCLUDED.expires_at
             WHERE i.expires_at <= now()
            RETURNING true AS reserved""";

    private static final String READ = """
            SELECT request_hash, status, response FROM idempotency_keys
             WHERE client_hash = $1 AND key = $2 AND expires_at > now()""";

    private static final String RECORD = """
            UPDATE idempotency_keys SET job_id = $3, status = $4, response = $5
             WHERE client_hash = $1 AND key = $2 AND status IS NULL""";

    private static final String RELEASE = """
            DELETE FROM idempotency_keys WHERE client_hash = $1 AND key = $2 AND status IS NULL""";

    private static final String DELETE_EXPIRED = """
            DELETE FROM idempotency_keys
             WHERE (client_hash, key) IN (SELECT client_hash, key FROM idempotency_keys
                                           WHERE expires_at <= now() LIMIT $1)""";

    private final Pool pool;
    private final SubmitConfig config;

    public IdempotencyKeys(Pool pool, SubmitConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** True if this request now owns the key and must submit, then {@link #record} or {@link #release}. */
    /** Deletes up to {@code limit} expired keys; the item is how many went. */
    public Uni<Integer> deleteExpired(int limit) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(limit)).map(rows -> rows.rowCount());
    }

    public Uni<Boolean> reserve(String clientHash, String key, String requestHash) {
        return pool.preparedQuery(RESERVE)
                .execute(Tuple.of(
                        clientHash, key, requestHash, config.idempotencyTtl().toMillis() / 1000.0))
                .map(rows -> rows.rowCount() > 0);
    }

    /** What the key stands for; null if it vanished meanwhile (its first request failed and released it). */
    public Uni<Recorded> read(String clientHash, String key) {
        return pool.preparedQuery(READ).execute(Tuple.of(clientHash, key)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return null;
            }
            Row row = it.next();
            return new Recorded(row.getString("request_hash"), row.getInteger("status"), row.getString("response"));
        });
    }

    public Uni<Void> record(String clientHash, String key, UUID jobId, int status, String response) {
        return pool.preparedQuery(RECORD)
                .execute(Tuple.of(clientHash, key, jobId, status, response))
                .replaceWithVoid();
    }

    /** Frees a key whose request ended without an answer worth replaying, so the client may retry with it. */
    public Uni<Void> release(String clientHash, String key) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(clientHash, key)).replaceWithVoid();
    }
}
