package dev.trawl.ratelimit;

import dev.trawl.batch.Batcher;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The cluster's token buckets, in Redis: every pod takes from the same bucket of a caller, so a
 * tier's budget holds however many pods serve it. The decisions asked for at the same moment go
 * in one script call (see {@link Batcher}), each decided as if it were a call of its own. A call
 * has {@code redis-timeout} to answer and is guarded by a SmallRye Fault Tolerance breaker: after
 * a few failures Redis is left alone for {@code fallback-for}, and every decision fails at once
 * (the limiter then decides locally) instead of waiting for the timeout.
 */
@ApplicationScoped
class DistributedBuckets {

    private static final Logger LOG = Logger.getLogger(DistributedBuckets.class);
    private static final LuaScript BUCKETS = LuaScript.fromResource("lua/token_buckets.lua");
    private static final int MAX_BATCH = 256;

    private final Redis redis;
    private final RedisKeys keys;
    private final Batcher<BucketRequest, Decision> decisions;
    private final TypedGuard<Uni<Response>> guard;
    private final Duration timeout;

    DistributedBuckets(Redis redis, RedisKeys keys, RateLimitConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.decisions = new Batcher<>(MAX_BATCH, 1, this::decideAll);
        this.guard = TypedGuard.create(new TypeLiteral<Uni<Response>>() { })
                .withDescription("rate limiter in Redis")
                .withCircuitBreaker()
                    .requestVolumeThreshold(4)
                    .failureRatio(0.5)
                    .delay(config.fallbackFor().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
        this.timeout = config.redisTimeout();
    }

    /** Loads the script ahead of the first decision; if Redis is not there yet, the first run loads it. */
    void preload(@Observes StartupEvent event) {
        BUCKETS.load(redis).subscribe().with(loaded -> { },
                failure -> LOG.debugf("Loading the token-bucket script at startup failed: %s", failure.getMessage()));
    }

    Uni<Decision> take(BucketRequest request) {
        return decisions.submit(request);
    }

    private Uni<List<Decision>> decideAll(List<BucketRequest> requests) {
        List<String> scriptKeys = new ArrayList<>(requests.size());
        List<String> args = new ArrayList<>(requests.size() * 3);
        for (BucketRequest request : requests) {
            scriptKeys.add(keys.rateBucket(request.tenant()));
            args.add(Long.toString(request.capacity()));
            args.add(Long.toString(request.perMinute()));
            args.add(Long.toString(request.cost()));
        }
        Uni<Response> call = Uni.createFrom().deferred(() -> guard.get(() ->
                BUCKETS.run(redis, scriptKeys, args).ifNoItem().after(timeout).fail()));
        return call.map(reply -> {
            List<Decision> answers = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                answers.add(decision(requests.get(i), reply, 4 * i));
            }
            return answers;
        });
    }

    private static Decision decision(BucketRequest request, Response reply, int at) {
        return new Decision(reply.get(at).toLong() == 1, request.capacity(), reply.get(at + 1).toLong(),
                Duration.ofMillis(reply.get(at + 2).toLong()), Duration.ofMillis(reply.get(at + 3).toLong()),
                Decision.Source.REDIS);
    }
}
