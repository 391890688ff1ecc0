package dev.trawl.scrape.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How workers share site sessions; the sessions themselves are set per site in {@code trawl.sites.<name>.session}. */
@ConfigMapping(prefix = "trawl.sessions")
public interface SessionsConfig {

    /** Time for one login request. */
    @WithDefault("15S")
    Duration loginTimeout();

    /**
     * How long the login lock is held at most; longer than {@code login-timeout}, so a live
     * winner never loses it, and short enough that a dead winner's lock frees itself soon.
     */
    @WithDefault("30S")
    Duration lockLease();

    /** How often a caller with no session looks again for the winner's result. */
    @WithDefault("100MS")
    Duration pollInterval();

    /** How long a caller with no session waits for one before failing. */
    @WithDefault("30S")
    Duration waitTimeout();

    /** After a failed login, callers without a session fail at once for this long instead of logging in again. */
    @WithDefault("10S")
    Duration failureBackoff();

    /**
     * 32 random bytes in base64 (e.g. {@code openssl rand -base64 32}), the same on every worker:
     * session cookies are kept in Redis sealed with it (AES-256-GCM). Required as soon as a site
     * profile logs in; a worker without it refuses to start. Changing it makes each profile log in
     * once more.
     */
    Optional<String> encryptionKey();
}
