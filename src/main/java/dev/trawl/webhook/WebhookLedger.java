package dev.trawl.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.job.OpKeys;
import dev.trawl.job.WebhookSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What webhook deliveries did, in PostgreSQL: every attempt, the one delivery and the dead letters
 * go into the operation ledger under op keys of their own ({@link OpKeys}), inserted with ON
 * CONFLICT DO NOTHING, so a delivery made twice (its sender died before settling it) is recorded once.
 */
@ApplicationScoped
class WebhookLedger {

    static final String ATTEMPT = "webhook-attempt";
    static final String DELIVERED = "webhook-delivered";
    static final String DEAD = "webhook-dead";

    /** Whose job it is and where its events go; empty once the job is gone (retention). */
    record Target(String owner, WebhookSpec webhook) {}

    record DeadLetter(
            UUID jobId,
            String eventId,
            String eventType,
            String owner,
            String url,
            int attempts,
            String error,
            OffsetDateTime at) {}

    private static final String TARGET = """
            SELECT owner, (request -> 'webhook')::text AS webhook FROM jobs WHERE id = $1""";

    private static final String RECORD = """
            INSERT INTO op_ledger (op_key, job_id, kind, context, outcome) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (op_key) DO NOTHING RETURNING op_key""";

    /** The ledger entry and the dead letter together: a second sender's try finds the key taken and adds neither. */
    private static final String DEAD_LETTER = """
            WITH ledger AS (
                INSERT INTO op_ledger (op_key, job_id, kind, context, outcome) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (op_key) DO NOTHING RETURNING job_id)
            INSERT INTO webhook_dead_letters (job_id, event_id, event_type, owner, url, attempts, error)
            SELECT job_id, $6, $7, $8, $9, $10, $11 FROM ledger
            ON CONFLICT (job_id, event_id) DO NOTHING RETURNING job_id""";

    private static final String DEAD_LETTERS = """
            SELECT job_id, event_id, event_type, owner, url, attempts, error, created_at
              FROM webhook_dead_letters ORDER BY created_at DESC, job_id, event_id LIMIT $1""";

    private final Pool pool;
    private final ObjectMapper json;

    WebhookLedger(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    Uni<Optional<Target>> target(UUID jobId) {
        return pool.preparedQuery(TARGET).execute(Tuple.of(jobId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            String webhook = row.getString("webhook");
            if (webhook == null || webhook.equals("null")) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Target(row.getString("owner"), json.readValue(webhook, WebhookSpec.class)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** One attempt, recorded once per attempt number. */
    Uni<Void> attempt(WebhookDelivery delivery, String summary, Map<String, Object> outcome) {
        return pool.preparedQuery(RECORD)
                .execute(Tuple.from(List.of(
                        OpKeys.of(ATTEMPT, delivery.jobId(), delivery.eventId() + "#" + delivery.attempt()),
                        delivery.jobId(),
                        ATTEMPT,
                        context(delivery) + " attempt " + delivery.attempt() + ": " + summary,
                        new JsonObject(outcome))))
                .replaceWithVoid();
    }

    /** The event was delivered; true the first time only. */
    Uni<Boolean> delivered(WebhookDelivery delivery, Map<String, Object> outcome) {
        return pool.preparedQuery(RECORD)
                .execute(Tuple.from(List.of(
                        OpKeys.of(DELIVERED, delivery.jobId(), delivery.eventId()),
                        delivery.jobId(),
                        DELIVERED,
                        context(delivery),
                        new JsonObject(outcome))))
                .map(rows -> rows.size() > 0);
    }

    /** The event will never be delivered; true the first time only. */
    Uni<Boolean> dead(WebhookDelivery delivery, Target target, String error) {
        Map<String, Object> outcome = Map.of("attempts", delivery.attempt(), "error", error);
        return pool.preparedQuery(DEAD_LETTER)
                .execute(Tuple.from(List.of(
                        OpKeys.of(DEAD, delivery.jobId(), delivery.eventId()),
                        delivery.jobId(),
                        DEAD,
                        context(delivery) + ": " + error,
                        new JsonObject(outcome),
                        delivery.eventId(),
                        delivery.type(),
                        target.owner() == null ? "" : target.owner(),
                        target.webhook().url(),
                        delivery.attempt(),
                        error)))
                .map(rows -> rows.size() > 0);
    }

    Uni<List<DeadLetter>> deadLetters(int limit) {
        return pool.preparedQuery(DEAD_LETTERS).execute(Tuple.of(limit)).map(rows -> {
            List<DeadLetter> letters = new ArrayList<>();
            for (Row row : rows) {
                letters.add(new DeadLetter(
                        row.getUUID("job_id"),
                        row.getString("event_id"),
                        row.getString("event_type"),
                        row.getString("owner"),
                        row.getString("url"),
                        row.getInteger("attempts"),
                        row.getString("error"),
                        row.getOffsetDateTime("created_at")));
            }
            return letters;
        });
    }

    private static String context(WebhookDelivery delivery) {
        return delivery.type() + " " + delivery.eventId();
    }
}
