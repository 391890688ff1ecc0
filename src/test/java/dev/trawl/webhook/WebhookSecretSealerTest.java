package dev.trawl.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Webhook secrets are stored sealed: never in clear, and never usable as another tenant's. */
class WebhookSecretSealerTest {

    private static final String KEY = "3q2+7wIOWzYnCwU/4aZyG1QmHdXcB1dJ2nV0m7yTeXw=";

    @Test
    void aSealedSecretOpensOnlyForItsTenant() {
        WebhookSecretSealer sealer = new WebhookSecretSealer(config(KEY));
        String secret = WebhookSignature.newSecret();
        String sealed = sealer.seal("key:a", secret);
        assertThat(sealed).startsWith("sealed:v1:").doesNotContain(secret.substring(6));
        assertThat(sealer.open("key:a", sealed)).contains(secret);
        assertThat(sealer.open("key:b", sealed)).isEmpty();
    }

    @Test
    void anotherKeyCannotOpenIt() {
        String sealed = new WebhookSecretSealer(config(KEY)).seal("key:a", "whsec_x");
        WebhookSecretSealer other = new WebhookSecretSealer(config("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        assertThat(other.open("key:a", sealed)).isEmpty();
    }

    private static WebhookConfig config(String key) {
        return new WebhookConfig() {
            @Override
            public Optional<String> encryptionKey() {
                return Optional.of(key);
            }

            @Override
            public int maxAttempts() {
                return 8;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration maxBackoff() {
                return Duration.ofMinutes(10);
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration claimTimeout() {
                return Duration.ofSeconds(60);
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofMillis(500);
            }

            @Override
            public int concurrency() {
                return 32;
            }

            @Override
            public Duration rotationGrace() {
                return Duration.ofHours(24);
            }
        };
    }
}
