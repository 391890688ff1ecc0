package dev.trawl.webhook;

import dev.trawl.api.Problem;
import dev.trawl.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tenants' webhook secrets in PostgreSQL, sealed. A rotation makes a new secret, returns it
 * (the only time it is shown) and keeps the previous one for {@code trawl.webhooks.rotation-grace}.
 */
@ApplicationScoped
public class WebhookSecrets {

    /** A tenant's secret as far as anyone may see it: when it was made, and until when the last one still signs. */
    public record SecretView(OffsetDateTime rotatedAt, OffsetDateTime previousValidUntil) {}

    /** The secrets a delivery is signed with: the current one first, then the previous one during its grace. */
    public record SigningSecrets(List<String> secrets) {}

    /**
     * One statement, so two rotations racing each keep a consistent pair: the row's current secret
     * becomes the previous one, whichever rotation commits second sees the first one's secret.
     */
    private static final String ROTATE = """
            INSERT INTO webhook_secrets (tenant, sealed) VALUES ($1, $2)
            ON CONFLICT (tenant) DO UPDATE
               SET previous_sealed = webhook_secrets.sealed,
                   previous_until = now() + make_interval(secs => $3),
                   sealed = EXCLUDED.sealed,
                   rotated_at = now()
            RETURNING rotated_at, previous_until""";

    private static final String READ = """
            SELECT sealed, CASE WHEN previous_until > now() THEN previous_sealed END AS previous,
                   rotated_at, previous_until
              FROM webhook_secrets WHERE tenant = $1""";

    private final Pool pool;
    private final WebhookSecretSealer sealer;
    private final WebhookConfig config;

    public WebhookSecrets(Pool pool, WebhookSecretSealer sealer, WebhookConfig config) {
        this.pool = pool;
        this.sealer = sealer;
        this.config = config;
    }

    public boolean enabled() {
        return sealer.configured();
    }

    /** A new secret for the tenant, in clear: the caller hands it to the tenant once and forgets it. */
    public Uni<Rotated> rotate(String tenant) {
        String secret = WebhookSignature.newSecret();
        return pool.preparedQuery(ROTATE)
                .execute(Tuple.of(tenant, sealer.seal(tenant, secret), (double)
                        config.rotationGrace().toSeconds()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Rotated(
                            secret,
                            new SecretView(
                                    row.getOffsetDateTime("rotated_at"), row.getOffsetDateTime("previous_until")));
                });
    }

    public record Rotated(String secret, SecretView view) {}

    /**
     * Fails with a 409 problem naming {@code webhook} if a submit with a webhook comes from a
     * tenant without a secret: its deliveries could never be signed.
     */
    public Uni<Void> requireFor(String tenant, boolean anyWebhook) {
        if (!anyWebhook) {
            return Uni.createFrom().voidItem();
        }
        return view(tenant)
                .invoke(view -> {
                    if (view.isEmpty()) {
                        throw new ProblemException(Problem.of(
                                        409,
                                        "webhook-secret-missing",
                                        "No webhook secret",
                                        "webhook: deliveries are signed with your webhook secret and you have none yet;"
                                                + " POST /v1/webhook-secret/rotate makes one")
                                .withField("webhook"));
                    }
                })
                .replaceWithVoid();
    }

    public Uni<Optional<SecretView>> view(String tenant) {
        return pool.preparedQuery(READ).execute(Tuple.of(tenant)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            return Optional.of(
                    new SecretView(row.getOffsetDateTime("rotated_at"), row.getOffsetDateTime("previous_until")));
        });
    }

    /** What to sign the tenant's deliveries with; empty if it has no secret (or none this key can open). */
    public Uni<Optional<SigningSecrets>> signing(String tenant) {
        return pool.preparedQuery(READ).execute(Tuple.of(tenant)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            List<String> secrets = new ArrayList<>(2);
            sealer.open(tenant, row.getString("sealed")).ifPresent(secrets::add);
            String previous = row.getString("previous");
            if (previous != null) {
                sealer.open(tenant, previous).ifPresent(secrets::add);
            }
            return secrets.isEmpty() ? Optional.empty() : Optional.of(new SigningSecrets(secrets));
        });
    }
}
