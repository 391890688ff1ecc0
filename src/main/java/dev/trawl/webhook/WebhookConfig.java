package dev.trawl.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Webhook deliveries and secrets ({@code trawl.webhooks.*}, docs/configuration.md). */
@ConfigMapping(prefix = "trawl.webhooks")
public interface WebhookConfig {

    /**
     * 32 random bytes in base64 (AES-256) sealing the tenants' webhook secrets in PostgreSQL; the
     * same on every pod. Without it no secret can be created, so no webhook can be submitted.
     */
    Optional<String> encryptionKey();

    /** Attempts per event before its delivery becomes a dead letter. */
    @WithDefault("8")
    int maxAttempts();

    /** The backoff ceiling after the first failed attempt; it doubles per attempt (full jitter). */
    @WithDefault("5S")
    Duration initialBackoff();

    @WithDefault("10M")
    Duration maxBackoff();

    /** How long one attempt may take, connecting and answering; the receiver's body is not read. */
    @WithDefault("10S")
    Duration timeout();

    /**
     * How long a taken delivery is a sender's: if the sender dies, it comes due again after this.
     * Longer than {@code timeout}, so a live sender is not raced.
     */
    @WithDefault("60S")
    Duration claimTimeout();

    /** How often each worker looks for due deliveries. */
    @WithDefault("500MS")
    Duration pollInterval();

    /** Deliveries one worker has in flight at most. */
    @WithDefault("32")
    int concurrency();

    /** After a rotation, deliveries are signed with the previous secret too for this long. */
    @WithDefault("24H")
    Duration rotationGrace();
}
