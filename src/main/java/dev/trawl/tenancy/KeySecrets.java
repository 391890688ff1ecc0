package dev.trawl.tenancy;

import dev.trawl.job.Sha256;
import java.security.SecureRandom;
import java.util.Base64;

/** Makes API keys and the digests they are stored and looked up by. */
final class KeySecrets {

    /** Every key starts with this, so a leaked key is recognisable (secret scanners, logs). */
    static final String PREFIX = "trawl_";

    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    /** A new key: 256 random bits, URL-safe Base64, after the prefix. */
    static String newKey() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What is stored and looked up instead of the key. */
    static String digest(String key) {
        return Sha256.hex(key);
    }
}
