package dev.trawl.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.support.StandardWebhooks;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The signer against the Standard Webhooks test vector (the standard-webhooks repository's
 * library tests, e.g. libraries/javascript/src/index.test.ts: a known secret, message id,
 * timestamp and payload, and the signature every implementation must produce).
 */
class WebhookSignatureTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String PAYLOAD = "{\"test\": 2432232314}";
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheTestVectorAsTheSpecSays() {
        assertThat(WebhookSignature.sign(SECRET, MESSAGE_ID, TIMESTAMP, PAYLOAD))
                .isEqualTo(EXPECTED);
    }

    @Test
    void aSecretWithoutItsPrefixSignsTheSame() {
        assertThat(WebhookSignature.sign(SECRET.substring("whsec_".length()), MESSAGE_ID, TIMESTAMP, PAYLOAD))
                .isEqualTo(EXPECTED);
    }

    @Test
    void anyChangeToIdTimestampOrBodyChangesTheSignature() {
        assertThat(WebhookSignature.sign(SECRET, MESSAGE_ID + "x", TIMESTAMP, PAYLOAD))
                .isNotEqualTo(EXPECTED);
        assertThat(WebhookSignature.sign(SECRET, MESSAGE_ID, TIMESTAMP + 1, PAYLOAD))
                .isNotEqualTo(EXPECTED);
        assertThat(WebhookSignature.sign(SECRET, MESSAGE_ID, TIMESTAMP, "{\"test\": 2432232315}"))
                .isNotEqualTo(EXPECTED);
    }

    @Test
    void aReceiverVerifiesOneOfSeveralSpaceSeparatedSignatures() {
        String other = WebhookSignature.newSecret();
        String header = WebhookSignature.sign(other, MESSAGE_ID, TIMESTAMP, PAYLOAD) + " " + EXPECTED;
        assertThat(StandardWebhooks.verifies(SECRET, MESSAGE_ID, Long.toString(TIMESTAMP), PAYLOAD, header))
                .isTrue();
        assertThat(StandardWebhooks.verifies(
                        WebhookSignature.newSecret(), MESSAGE_ID, Long.toString(TIMESTAMP), PAYLOAD, header))
                .isFalse();
    }

    @Test
    void aNewSecretIsWhsecAnd32RandomBytes() {
        String secret = WebhookSignature.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(WebhookSignature.newSecret()).isNotEqualTo(secret);
    }
}
