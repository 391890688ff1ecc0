package dev.trawl.scrape.session;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** Sessions configuration at its defaults, with the encryption key a test chooses. */
record KeyedSessionsConfig(Optional<String> encryptionKey) implements SessionsConfig {

    /** A key of 32 bytes, each {@code fill}. */
    static KeyedSessionsConfig filledWith(byte fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, fill);
        return new KeyedSessionsConfig(Optional.of(Base64.getEncoder().encodeToString(key)));
    }

    @Override
    public Duration loginTimeout() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Duration lockLease() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(100);
    }

    @Override
    public Duration waitTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Duration failureBackoff() {
        return Duration.ofSeconds(10);
    }
}
