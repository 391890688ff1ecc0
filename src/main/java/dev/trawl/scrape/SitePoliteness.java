package dev.trawl.scrape;

import dev.trawl.batch.Batcher;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Per-site politeness for the whole cluster: at most {@code maxConcurrency} requests to a site in
 * flight and at least {@code minDelay} between their starts, however many worker pods there are,
 * plus a pause when the site answers with Retry-After. The state lives in Redis and every
 * decision is made by a script on Redis time; a waiting caller holds no thread, only a timer. The
 * acquires and releases of many fetches asked for at the same moment are decided in one script
 * call (see {@link Batcher}), in the order they were asked for, each as if it were a call of its
 * own: a release needs no waiting for, since any acquire asked for after it is decided after it.
 */
@ApplicationScoped
public class SitePoliteness {

    private static final Logger LOG = Logger.getLogger(SitePoliteness.class);
    private static final LuaScript PERMITS = LuaScript.fromResource("lua/site_permits.lua");
    private static final LuaScript RENEW = LuaScript.fromResource("lua/site_renew.lua");
    private static final long MAX_JITTER_MS = 25;

    private static final int PENDING = 0;
    private static final int DELIVERED = 1;
    private static final int CANCELLED = 2;

    /** Requests decided per script call at most. */
    private static final int MAX_BATCH = 256;

    /** One acquire or release, in the argument shape of the permits script. */
    private record PermitRequest(String op, String site, String id, long first, long second) {

        static PermitRequest acquire(String site, String id, SiteLimits limits) {
            return new PermitRequest(
                    "acquire",
                    site,
                    id,
                    limits.maxConcurrency(),
                    limits.minDelay().toMillis());
        }

        static PermitRequest release(String site, String id, long pauseMs) {
            return new PermitRequest("release", site, id, pauseMs, 0);
        }
    }

    private final Redis redis;
    private final Vertx vertx;
    private final RedisKeys keys;
    private final PolitenessConfig config;
    private final Batcher<PermitRequest, Long> permits;

    public SitePoliteness(Redis redis, Vertx vertx, RedisKeys keys, PolitenessConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.keys = keys;
        this.config = config;
        // one call out at a time, in order: that is what lets a release go unawaited
        this.permits = new Batcher<>(MAX_BATCH, 1, this::decideAll);
    }

    /** The limits of a site without a profile of its own. */
    public SiteLimits defaultLimits() {
        return new SiteLimits(config.maxConcurrency(), config.minDelay());
    }

    public Uni<SitePermit> acquire(String host) {
        return acquire(host, defaultLimits());
    }

    /**
     * A permit to start one request to {@code host}, once the site's limits allow it. There is no
     * deadline here; bound the wait with {@code ifNoItem().after(...)} if needed: cancelling
     * leaves no permit behind.
     */
    public Uni<SitePermit> acquire(String host, SiteLimits limits) {
        String site = host.toLowerCase(Locale.ROOT);
        return Uni.createFrom()
                .deferred(() -> attempt(site, limits, UUID.randomUUID().toString()));
    }

    private Uni<SitePermit> attempt(String site, SiteLimits limits, String id) {
        return tryAcquire(site, limits, id)
                .chain(waitMs -> waitMs <= 0
                        ? Uni.createFrom().item(new SitePermit(this, site, id))
                        : delay(waitMs).chain(() -> attempt(site, limits, id)));
    }

    /**
     * One run of the acquire script. If the caller cancels while Redis is answering and the answer
     * is a grant, the permit is released at once instead of sitting out its lease.
     */
    private Uni<Long> tryAcquire(String site, SiteLimits limits, String id) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicInteger state = new AtomicInteger(PENDING);
            emitter.onTermination(() -> state.compareAndSet(PENDING, CANCELLED));
            permits.submit(PermitRequest.acquire(site, id, limits))
                    .subscribe()
                    .with(
                            waitMs -> {
                                if (state.compareAndSet(PENDING, DELIVERED)) {
                                    emitter.complete(waitMs);
                                } else if (waitMs == 0) {
                                    release(site, id, Duration.ZERO).subscribe().with(ignored -> {});
                                }
                            },
                            failure -> {
                                if (state.compareAndSet(PENDING, DELIVERED)) {
                                    emitter.fail(failure);
                                }
                            });
        });
    }

    /** Waits on a Vert.x timer: capped so a lifted pause is noticed, jittered so waiters spread out. */
    private Uni<Void> delay(long waitMs) {
        long capped = Math.min(waitMs, Math.max(1, config.maxWaitStep().toMillis()));
        long delay = capped + ThreadLocalRandom.current().nextLong(Math.min(MAX_JITTER_MS, capped / 10) + 1);
        return Uni.createFrom().emitter(emitter -> {
            long timer = vertx.setTimer(delay, fired -> emitter.complete(null));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }

    private Uni<List<Long>> decideAll(List<PermitRequest> requests) {
        List<String> scriptKeys = new ArrayList<>(requests.size() * 2);
        List<String> args = new ArrayList<>(2 + requests.size() * 4);
        args.add(Long.toString(config.permitLease().toMillis()));
        args.add(Long.toString(Math.max(1, config.busyRetry().toMillis())));
        for (PermitRequest request : requests) {
            scriptKeys.add(keys.siteHolders(request.site()));
            scriptKeys.add(keys.sitePace(request.site()));
            args.add(request.op());
            args.add(request.id());
            args.add(Long.toString(request.first()));
            args.add(Long.toString(request.second()));
        }
        return PERMITS.run(redis, scriptKeys, args).map(reply -> {
            List<Long> results = new ArrayList<>(requests.size());
            reply.forEach(result -> results.add(result.toLong()));
            return results;
        });
    }

    Uni<Void> release(String site, String id, Duration retryAfter) {
        long pauseMs = retryAfter == null || retryAfter.isNegative()
                ? 0
                : Math.min(retryAfter.toMillis(), config.maxRetryAfter().toMillis());
        return permits.submit(PermitRequest.release(site, id, pauseMs))
                .replaceWithVoid()
                // The lease is the backstop: a release lost to a Redis outage frees the slot when it runs out.
                .onFailure()
                .invoke(failure -> LOG.warnf(
                        "Releasing permit %s on %s failed; its lease will free it: %s", id, site, failure.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    /** Renews the permit every third of its lease until the returned action is run or a renewal finds it lapsed. */
    Runnable keepAlive(SitePermit permit) {
        long every = Math.max(1, config.permitLease().toMillis() / 3);
        long timer = vertx.setPeriodic(
                every,
                id -> permit.renew()
                        .subscribe()
                        .with(
                                held -> {
                                    if (!held) {
                                        vertx.cancelTimer(id);
                                    }
                                },
                                failure -> LOG.debugf(
                                        "Renewing permit %s on %s failed, will try again: %s",
                                        permit.id(), permit.host(), failure.getMessage())));
        return () -> vertx.cancelTimer(timer);
    }

    Uni<Boolean> renew(String site, String id) {
        return RENEW.run(
                        redis,
                        List.of(keys.siteHolders(site)),
                        List.of(id, Long.toString(config.permitLease().toMillis())))
                .map(reply -> reply.toLong() == 1L);
    }
}
