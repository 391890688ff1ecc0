package dev.trawl.scrape.session;

import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.site.SessionSettings;
import dev.trawl.scrape.site.SiteProfile;
import dev.trawl.scrape.site.SiteProfiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The session of each site profile, shared by every worker in the cluster through Redis.
 * <ul>
 * <li>A session with more than {@code renew-before} left is simply used.</li>
 * <li>Inside that window, the first caller to take the profile's lock logs in again in the
 * background; it and everybody else keep using the current session meanwhile.</li>
 * <li>With no session at all, the caller that takes the lock logs in; the others poll Redis until
 * the new session appears (or the lock is free again, and they compete for it).</li>
 * </ul>
 * So a profile costs one login per renewal however many workers need it. See
 * docs/scrape-sessions-and-rendering.md for the keys and the lock.
 */
@Startup // so a bad sessions configuration stops the pod at once, and the metrics exist from the start
@ApplicationScoped
public class SiteSessions {

    private static final Logger LOG = Logger.getLogger(SiteSessions.class);

    private final SiteProfiles profiles;
    private final SessionStore store;
    private final SessionLogin login;
    private final SessionsConfig config;
    private final MeterRegistry registry;
    private final Map<String, Counter> hits = new ConcurrentHashMap<>();

    public SiteSessions(
            SiteProfiles profiles,
            SessionStore store,
            SessionLogin login,
            SessionsConfig config,
            MeterRegistry registry) {
        if (config.lockLease().compareTo(config.loginTimeout()) <= 0) {
            throw new IllegalArgumentException("trawl.sessions.lock-lease (" + config.lockLease()
                    + ") must be longer than trawl.sessions.login-timeout (" + config.loginTimeout() + ")");
        }
        this.profiles = profiles;
        this.store = store;
        this.login = login;
        this.config = config;
        this.registry = registry;
        profiles.all().stream().filter(p -> p.session().isPresent()).forEach(p -> {
            renewals(p.name());
            renewalFailures(p.name());
            hits(p.name());
        });
    }

    /** The profile's session, logging in first if no worker has yet. */
    public Uni<SiteSession> current(String profileName) {
        return Uni.createFrom().deferred(() -> {
            SiteProfile profile = profiles.named(profileName)
                    .orElseThrow(() -> new IllegalArgumentException("No site profile named " + profileName));
            SessionSettings settings = profile.session()
                    .orElseThrow(() -> new IllegalArgumentException("Site profile " + profileName + " has no session"));
            return obtain(
                    profile, settings, System.nanoTime() + config.waitTimeout().toNanos());
        });
    }

    /**
     * Drops the session if it is still {@code version} (the site rejected it with 401/403), so the
     * next {@link #current} logs in again. Callers holding an older version change nothing: many
     * workers reporting the same rejection cause one login.
     */
    public Uni<Boolean> invalidate(String profileName, long version) {
        return store.invalidate(profileName, version).invoke(deleted -> {
            if (deleted) {
                LOG.infof(
                        "Session version %d of site profile %s was rejected by the site; dropped",
                        version, profileName);
            }
        });
    }

    private Uni<SiteSession> obtain(SiteProfile profile, SessionSettings settings, long deadline) {
        String name = profile.name();
        return store.read(name).chain(snapshot -> {
            if (snapshot.session().isPresent()) {
                SiteSession session = snapshot.session().get();
                hits(name).increment();
                boolean due = snapshot.remaining().compareTo(settings.renewBefore()) <= 0;
                // after a failed renewal, keep the session we have until the back-off ends
                if (!due || snapshot.failure().isPresent()) {
                    return Uni.createFrom().item(session);
                }
                return renewInBackground(profile, settings, session).replaceWith(session);
            }
            if (snapshot.failure().isPresent()) {
                return Uni.createFrom()
                        .failure(FetchFailure.transientFailure(
                                "session-unavailable",
                                "No session for site profile " + name + ": "
                                        + snapshot.failure().get()));
            }
            String token = UUID.randomUUID().toString();
            return store.tryLock(name, token, config.lockLease(), Optional.empty(), settings.renewBefore())
                    .chain(lock -> switch (lock) {
                        case TAKEN ->
                            loginAndStore(profile, settings, token)
                                    .chain(stored -> stored.map(
                                                    session -> Uni.createFrom().item(session))
                                            .orElseGet(() -> waitAndRetry(profile, settings, deadline)));
                        case SESSION_CHANGED -> obtain(profile, settings, deadline);
                        case HELD_BY_ANOTHER -> waitAndRetry(profile, settings, deadline);
                    });
        });
    }

    /** Takes the lock if nobody holds it and, if so, logs in without making the caller wait. */
    private Uni<Void> renewInBackground(SiteProfile profile, SessionSettings settings, SiteSession current) {
        String token = UUID.randomUUID().toString();
        return store.tryLock(profile.name(), token, config.lockLease(), Optional.of(current), settings.renewBefore())
                .invoke(lock -> {
                    if (lock == SessionStore.Lock.TAKEN) {
                        loginAndStore(profile, settings, token)
                                .subscribe()
                                .with(stored -> {}, failure -> {}); // logged and recorded in loginAndStore
                    }
                })
                .replaceWithVoid();
    }

    /** Logs in while holding the lock; empty if the lock expired meanwhile and the result was not stored. */
    private Uni<Optional<SiteSession>> loginAndStore(SiteProfile profile, SessionSettings settings, String token) {
        String name = profile.name();
        return Uni.createFrom()
                .deferred(() -> login.login(profile))
                .onFailure()
                .call(failure -> {
                    LOG.warnf("Login for site profile %s failed: %s", name, failure.getMessage());
                    renewalFailures(name).increment();
                    return store.fail(name, token, String.valueOf(failure.getMessage()), config.failureBackoff())
                            .onFailure()
                            .recoverWithNull(); // the lease frees the lock anyway
                })
                .chain(cookies -> store.save(name, token, cookies, settings.ttl())
                        .map(version -> version.map(v -> new SiteSession(name, cookies, v))))
                .invoke(stored -> {
                    if (stored.isPresent()) {
                        renewals(name).increment();
                        LOG.infof(
                                "Renewed the session of site profile %s: version %d, valid for %s",
                                name, stored.get().version(), settings.ttl());
                    } else {
                        LOG.warnf(
                                "Login for site profile %s took longer than the lock lease (%s); its result was dropped",
                                name, config.lockLease());
                    }
                });
    }

    private Uni<SiteSession> waitAndRetry(SiteProfile profile, SessionSettings settings, long deadline) {
        if (System.nanoTime() - deadline > 0) {
            return Uni.createFrom()
                    .failure(FetchFailure.transientFailure(
                            "session-timeout",
                            "No session for site profile " + profile.name() + " within " + config.waitTimeout()));
        }
        return Uni.createFrom()
                .voidItem()
                .onItem()
                .delayIt()
                .by(config.pollInterval())
                .chain(() -> obtain(profile, settings, deadline));
    }

    private Counter hits(String profile) {
        return hits.computeIfAbsent(
                profile,
                p -> Counter.builder("trawl.sessions.hits")
                        .tag("profile", p)
                        .description("Fetches that found a stored session and used it without logging in")
                        .register(registry));
    }

    private Counter renewalFailures(String profile) {
        return Counter.builder("trawl.sessions.renewal.failures")
                .tag("profile", profile)
                .description("Logins that failed (the profile backs off before the next)")
                .register(registry);
    }

    private Counter renewals(String profile) {
        return Counter.builder("trawl.sessions.renewals")
                .tag("profile", profile)
                .description("Logins that produced a new session")
                .register(registry);
    }
}
