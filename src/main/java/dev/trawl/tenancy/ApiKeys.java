package dev.trawl.tenancy;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The API keys, in PostgreSQL, by the SHA-256 of the key: the key itself is handed out once and
 * never stored. A lookup reads the table every time, so a revoked key is refused at once by every
 * API pod.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    /** {@code last_used_at} is written at most this often per key and pod. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    /** A key as an admin sees it: never its secret. */
    public record KeyView(UUID id, String name, Tier tier, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {}

    /** A key just issued, with the only copy of its secret. */
    public record IssuedKey(KeyView key, String secret) {}

    private static final String INSERT = """
            INSERT INTO api_keys (id, name, tier, key_hash) VALUES ($1, $2, $3, $4)
            RETURNING id, name, tier, created_at, last_used_at, revoked_at""";
    private static final String LIST = """
            SELECT id, name, tier, created_at, last_used_at, revoked_at FROM api_keys ORDER BY created_at, id""";
    private static final String REVOKE = """
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
            RETURNING id, name, tier, created_at, last_used_at, revoked_at""";
    private static final String FIND = "SELECT id, tier FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL";
    private static final String TOUCH = "UPDATE api_keys SET last_used_at = now() WHERE id = $1";

    private final Pool pool;
    private final Map<UUID, Long> touchedAt = new ConcurrentHashMap<>();

    public ApiKeys(Pool pool) {
        this.pool = pool;
    }

    public Uni<IssuedKey> issue(String name, Tier tier) {
        String secret = KeySecrets.newKey();
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(UUID.randomUUID(), name, tier.wireName(), KeySecrets.digest(secret)))
                .map(rows -> new IssuedKey(view(rows.iterator().next()), secret));
    }

    public Uni<List<KeyView>> all() {
        return pool.preparedQuery(LIST).execute().map(rows -> {
            List<KeyView> keys = new ArrayList<>(rows.size());
            rows.forEach(row -> keys.add(view(row)));
            return keys;
        });
    }

    /** Revokes the key (again is harmless); empty if there is no such key. */
    public Uni<Optional<KeyView>> revoke(UUID id) {
        return pool.preparedQuery(REVOKE)
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(view(rows.iterator().next())));
    }

    /** The holder of a live key; empty for a key that is unknown or revoked. */
    Uni<Optional<Tenant>> holderOf(String key) {
        return pool.preparedQuery(FIND)
                .execute(Tuple.of(KeySecrets.digest(key)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    UUID id = row.getUUID("id");
                    touch(id);
                    return Optional.of(Tenant.holderOf(
                            id, Tier.fromWire(row.getString("tier")).orElseThrow()));
                });
    }

    private void touch(UUID id) {
        long now = System.nanoTime();
        Long last = touchedAt.get(id);
        if (last != null && now - last < TOUCH_EVERY.toNanos()) {
            return;
        }
        touchedAt.put(id, now);
        pool.preparedQuery(TOUCH)
                .execute(Tuple.of(id))
                .subscribe()
                .with(
                        done -> {},
                        failure -> LOG.debugf("Recording the use of key %s failed: %s", id, failure.getMessage()));
    }

    private static KeyView view(Row row) {
        return new KeyView(
                row.getUUID("id"),
                row.getString("name"),
                Tier.fromWire(row.getString("tier")).orElseThrow(),
                instant(row.getOffsetDateTime("created_at")),
                instant(row.getOffsetDateTime("last_used_at")),
                instant(row.getOffsetDateTime("revoked_at")));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
