package dev.trawl.webhook;

import dev.trawl.secrets.SealingKey;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Keeps webhook secrets out of PostgreSQL in clear, as session cookies are kept out of Redis:
 * sealed with {@code trawl.webhooks.encryption-key} ({@link SealingKey}), the tenant id as the
 * context (one tenant's sealed secret cannot be passed off as another's).
 */
@Startup // a malformed key fails the start, not the first rotation
@ApplicationScoped
public class WebhookSecretSealer {

    static final String PREFIX = SealingKey.PREFIX;

    private final Optional<SealingKey> key;

    public WebhookSecretSealer(WebhookConfig config) {
        this.key = config.encryptionKey()
                .filter(k -> !k.isBlank())
                .map(k -> SealingKey.parse("trawl.webhooks.encryption-key", k));
    }

    public boolean configured() {
        return key.isPresent();
    }

    public String seal(String tenant, String clear) {
        return key.orElseThrow(() -> new IllegalStateException("trawl.webhooks.encryption-key is not set"))
                .seal(context(tenant), clear);
    }

    /** The secret in clear; empty if it was sealed under another key or altered. */
    public Optional<String> open(String tenant, String stored) {
        return key.flatMap(k -> k.open(context(tenant), stored));
    }

    private static String context(String tenant) {
        return "webhook-secret:" + tenant;
    }
}
