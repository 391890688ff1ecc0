package dev.trawl.webhook;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps webhook secrets out of PostgreSQL in clear, as session cookies are kept out of Redis:
 * AES-256-GCM under {@code trawl.webhooks.encryption-key}, a fresh 96-bit nonce per seal, the
 * tenant id as associated data (one tenant's sealed secret cannot be passed off as another's).
 * Sealed values read {@code sealed:v1:<base64 of nonce and ciphertext>}.
 */
@Startup // a malformed key fails the start, not the first rotation
@ApplicationScoped
public class WebhookSecretSealer {

    static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Optional<SecretKey> key;
    private final SecureRandom random = new SecureRandom();

    public WebhookSecretSealer(WebhookConfig config) {
        this.key = config.encryptionKey().filter(k -> !k.isBlank()).map(WebhookSecretSealer::parseKey);
    }

    public boolean configured() {
        return key.isPresent();
    }

    public String seal(String tenant, String clear) {
        SecretKey secret = key.orElseThrow(() -> new IllegalStateException("trawl.webhooks.encryption-key is not set"));
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            byte[] sealed =
                    cipher(Cipher.ENCRYPT_MODE, secret, nonce, tenant).doFinal(clear.getBytes(StandardCharsets.UTF_8));
            return PREFIX
                    + Base64.getEncoder()
                            .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                                    .put(nonce)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The secret in clear; empty if it was sealed under another key or altered. */
    public Optional<String> open(String tenant, String stored) {
        if (key.isEmpty() || !stored.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (all.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            byte[] nonce = Arrays.copyOf(all, NONCE_BYTES);
            byte[] clear = cipher(Cipher.DECRYPT_MODE, key.get(), nonce, tenant)
                    .doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            return Optional.of(new String(clear, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static Cipher cipher(int mode, SecretKey secret, byte[] nonce, String tenant)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, secret, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(("webhook-secret:" + tenant).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static SecretKey parseKey(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("trawl.webhooks.encryption-key is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("trawl.webhooks.encryption-key must be 32 bytes (AES-256) in base64, it is "
                    + bytes.length + " bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
