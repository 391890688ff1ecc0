package dev.trawl.scrape.session;

import dev.trawl.scrape.site.SiteProfile;
import dev.trawl.scrape.site.SiteProfiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps site session cookies out of Redis in clear: AES-256-GCM under
 * {@code trawl.sessions.encryption-key}, a fresh 96-bit nonce per seal, the profile's name as
 * associated data (so one profile's sealed session cannot be passed off as another's). Sealed
 * values read {@code sealed:v1:<base64 of nonce and ciphertext>}.
 */
@Startup // the key is checked at start, not at the first login: a worker without it must not start at all
@ApplicationScoped
public class SessionSealer {

    static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** What a stored value turned out to be. */
    public sealed interface Opened {
        /** The cookies' stored form, in clear. */
        record Clear(String value) implements Opened {}

        /** Sealed under another key (the key was changed), or altered: unusable. */
        record Unreadable() implements Opened {}
    }

    private final Optional<SecretKey> key;
    private final SecureRandom random = new SecureRandom();

    public SessionSealer(SessionsConfig config, SiteProfiles profiles) {
        this.key = config.encryptionKey().map(SessionSealer::parseKey);
        List<String> loggingIn = profiles.all().stream()
                .filter(p -> p.session().isPresent())
                .map(SiteProfile::name)
                .toList();
        if (key.isEmpty() && !loggingIn.isEmpty()) {
            throw new IllegalStateException(
                    "Site profiles " + loggingIn + " log in, and their session cookies are kept in"
                            + " Redis encrypted: set trawl.sessions.encryption-key (TRAWL_SESSIONS_ENCRYPTION_KEY) to 32 random"
                            + " bytes in base64, the same on every worker, e.g. from `openssl rand -base64 32`");
        }
    }

    public String seal(String profile, String clear) {
        SecretKey secret = key.orElseThrow(() -> new IllegalStateException("trawl.sessions.encryption-key is not set"));
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, secret, nonce, profile);
            byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
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

    /** The clear form of a stored value; a value stored in clear by an earlier version is read as it is. */
    public Opened open(String profile, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return new Opened.Clear(stored);
        }
        if (key.isEmpty()) {
            return new Opened.Unreadable();
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (all.length <= NONCE_BYTES) {
                return new Opened.Unreadable();
            }
            byte[] nonce = java.util.Arrays.copyOf(all, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key.get(), nonce, profile);
            byte[] clear = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            return new Opened.Clear(new String(clear, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return new Opened.Unreadable();
        }
    }

    private static Cipher cipher(int mode, SecretKey secret, byte[] nonce, String profile)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, secret, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(profile.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static SecretKey parseKey(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("trawl.sessions.encryption-key is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("trawl.sessions.encryption-key must be 32 bytes (AES-256) in base64, it is "
                    + bytes.length + " bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
