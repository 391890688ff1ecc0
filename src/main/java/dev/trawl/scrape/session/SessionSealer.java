package dev.trawl.scrape.session;

import dev.trawl.scrape.site.SiteProfile;
import dev.trawl.scrape.site.SiteProfiles;
import dev.trawl.secrets.SealingKey;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Keeps site session cookies out of Redis in clear: sealed with {@code trawl.sessions.encryption-key}
 * ({@link SealingKey}), the profile's name as the context (so one profile's sealed session cannot be
 * passed off as another's).
 */
@Startup // the key is checked at start, not at the first login: a worker without it must not start at all
@ApplicationScoped
public class SessionSealer {

    static final String PREFIX = SealingKey.PREFIX;

    /** What a stored value turned out to be. */
    public sealed interface Opened {
        /** The cookies' stored form, in clear. */
        record Clear(String value) implements Opened {}

        /** Sealed under another key (the key was changed), or altered: unusable. */
        record Unreadable() implements Opened {}
    }

    private final Optional<SealingKey> key;

    public SessionSealer(SessionsConfig config, SiteProfiles profiles) {
        this.key = config.encryptionKey().map(k -> SealingKey.parse("trawl.sessions.encryption-key", k));
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
        return key.orElseThrow(() -> new IllegalStateException("trawl.sessions.encryption-key is not set"))
                .seal(profile, clear);
    }

    /** The clear form of a stored value; a value stored in clear by an earlier version is read as it is. */
    public Opened open(String profile, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return new Opened.Clear(stored);
        }
        return key.flatMap(k -> k.open(profile, stored))
                .<Opened>map(Opened.Clear::new)
                .orElseGet(Opened.Unreadable::new);
    }
}
