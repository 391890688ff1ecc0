package dev.trawl.secrets;

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
 * An AES-256-GCM key from the configuration that seals short secrets for storage: a fresh 96-bit
 * nonce per seal and a context as associated data, so a value sealed for one context (a profile,
 * a tenant) cannot be passed off as another's. Sealed values read
 * {@code sealed:v1:<base64 of nonce and ciphertext>}.
 */
public final class SealingKey {

    public static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private SealingKey(SecretKey key) {
        this.key = key;
    }

    /** The key {@code base64} (32 bytes) of the setting {@code property}; a malformed one fails with its name. */
    public static SealingKey parse(String property, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(
                    property + " must be 32 bytes (AES-256) in base64, it is " + bytes.length + " bytes");
        }
        return new SealingKey(new SecretKeySpec(bytes, "AES"));
    }

    public String seal(String context, String clear) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce, context).doFinal(clear.getBytes(StandardCharsets.UTF_8));
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

    /** The value in clear; empty if it is not sealed, was sealed under another key or context, or was altered. */
    public Optional<String> open(String context, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (all.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            byte[] nonce = Arrays.copyOf(all, NONCE_BYTES);
            byte[] clear =
                    cipher(Cipher.DECRYPT_MODE, nonce, context).doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            return Optional.of(new String(clear, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
