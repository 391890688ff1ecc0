package dev.trawl.scrape.session;

import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The Redis side of {@link SiteSessions}: every key and script it uses, nothing of the protocol. */
@ApplicationScoped
public class SessionStore {

    private static final LuaScript READ = LuaScript.fromResource("lua/session_read.lua");
    private static final LuaScript LOCK = LuaScript.fromResource("lua/session_lock.lua");
    private static final LuaScript STORE = LuaScript.fromResource("lua/session_store.lua");
    private static final LuaScript RELEASE = LuaScript.fromResource("lua/lock_release.lua");
    private static final LuaScript INVALIDATE = LuaScript.fromResource("lua/session_invalidate.lua");

    /** What Redis holds for a profile right now. */
    public record Snapshot(Optional<SiteSession> session, Duration remaining, Optional<String> failure) {}

    private final Redis redis;
    private final RedisKeys keys;
    private final SessionSealer sealer;

    public SessionStore(Redis redis, RedisKeys keys, SessionSealer sealer) {
        this.redis = redis;
        this.keys = keys;
        this.sealer = sealer;
    }

    public Uni<Snapshot> read(String profile) {
        return READ.run(redis, List.of(keys.session(profile), keys.sessionFailure(profile)), List.of())
                .chain(reply -> {
                    String cookie = reply.get(0).toString();
                    String version = reply.get(1).toString();
                    long pttl = reply.get(2).toLong();
                    String failure = reply.get(3).toString();
                    Snapshot none = new Snapshot(
                            Optional.empty(),
                            Duration.ZERO,
                            failure.isEmpty() ? Optional.empty() : Optional.of(failure));
                    if (cookie.isEmpty() || version.isEmpty() || pttl == -2) {
                        return Uni.createFrom().item(none);
                    }
                    long stored = Long.parseLong(version);
                    if (!(sealer.open(profile, cookie) instanceof SessionSealer.Opened.Clear clear)) {
                        // sealed under a key since replaced: as if there were none, so one caller logs in again
                        return invalidate(profile, stored).replaceWith(none);
                    }
                    // -1 (no expiry) is never written by us; treat such a key as fresh rather than renew in a loop
                    Duration remaining = pttl == -1 ? Duration.ofDays(365) : Duration.ofMillis(Math.max(pttl, 0));
                    return Uni.createFrom()
                            .item(new Snapshot(
                                    Optional.of(new SiteSession(profile, SiteSession.decode(clear.value()), stored)),
                                    remaining,
                                    none.failure()));
                });
    }

    /** What came of trying to take a profile's login lock. */
    public enum Lock {
        TAKEN,
        HELD_BY_ANOTHER,
        SESSION_CHANGED
    }

    /**
     * Takes the profile's login lock for {@code lease}, provided the session is still as the
     * caller saw it: {@code seen} empty means there was none; otherwise it must still be that
     * version with no more than {@code renewBefore} left. While a failed login's back-off runs,
     * the session counts as changed, so the caller reads the failure instead of logging in.
     */
    public Uni<Lock> tryLock(
            String profile, String token, Duration lease, Optional<SiteSession> seen, Duration renewBefore) {
        return LOCK.run(
                        redis,
                        List.of(keys.session(profile), keys.sessionLock(profile), keys.sessionFailure(profile)),
                        List.of(
                                token,
                                Long.toString(lease.toMillis()),
                                seen.map(s -> Long.toString(s.version())).orElse(""),
                                Long.toString(renewBefore.toMillis())))
                .map(reply -> switch (reply.toInteger()) {
                    case 1 -> Lock.TAKEN;
                    case 0 -> Lock.HELD_BY_ANOTHER;
                    default -> Lock.SESSION_CHANGED;
                });
    }

    /** Stores the session and releases the lock; empty if the lock was no longer ours. */
    public Uni<Optional<Long>> save(String profile, String token, List<SessionCookie> cookies, Duration ttl) {
        return STORE.run(
                        redis,
                        List.of(
                                keys.session(profile),
                                keys.sessionLock(profile),
                                keys.sessionGeneration(profile),
                                keys.sessionFailure(profile)),
                        List.of(
                                token,
                                sealer.seal(profile, SiteSession.encode(cookies)),
                                Long.toString(ttl.toMillis())))
                .map(reply -> reply == null ? Optional.<Long>empty() : Optional.of(reply.toLong()));
    }

    /**
     * Records a failed login for {@code backoff}, then releases the lock: in this order, so a caller
     * that sees the lock gone also sees why.
     */
    public Uni<Void> fail(String profile, String token, String reason, Duration backoff) {
        Uni<Response> marker = backoff.isZero()
                ? Uni.createFrom().nullItem()
                : redis.send(Request.cmd(Command.SET)
                        .arg(keys.sessionFailure(profile))
                        .arg(reason)
                        .arg("PX")
                        .arg(backoff.toMillis()));
        return marker.chain(() -> RELEASE.run(redis, List.of(keys.sessionLock(profile)), List.of(token)))
                .replaceWithVoid();
    }

    /** Deletes the session if it is still {@code version}; true if it was deleted. */
    public Uni<Boolean> invalidate(String profile, long version) {
        return INVALIDATE
                .run(redis, List.of(keys.session(profile)), List.of(Long.toString(version)))
                .map(reply -> reply.toLong() == 1L);
    }
}
