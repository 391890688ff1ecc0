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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final TokenLeases leases;

    DistributedBuckets(Redis redis, RedisKeys keys, RateLimitConfig config) {
        this.leases = new TokenLeases(config.expectedPods(), System::nanoTime);
        this.redis = redis;
        this.keys = keys;
        this.decisions = new Batcher<>(MAX_BATCH, 1, this::decideAll);
        this.guard = TypedGuard.create(new TypeLiteral<Uni<Response>>() {})
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
        BUCKETS.load(redis)
                .subscribe()
                .with(
                        loaded -> {},
                        failure -> LOG.debugf(
                                "Loading the token-bucket script at startup failed: %s", failure.getMessage()));
    }

    /** Paid from this pod's lease on the caller's bucket if it has one, else decided in Redis. */
    Uni<Decision> take(BucketRequest request) {
        Decision leased = leases.take(request);
        return leased != null ? Uni.createFrom().item(leased) : decisions.submit(request);
    }

    /**
     * One script call for the batch: the requests of one caller go as one bucket with their costs
     * in order, so a busy caller's many requests cost Redis one read and one write. Redis says
     * which passed; the figures each leaves are worked out here from the tokens the bucket held.
     * A caller busy enough to send several requests at once also gets a lease
     * ({@link TokenLeases}) that pays for its next ones here, and gives back what is left of its
     * last one.
     */
    private Uni<List<Decision>> decideAll(List<BucketRequest> requests) {
        Map<String, List<Integer>> byBucket = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            byBucket.computeIfAbsent(requests.get(i).tenant(), tenant -> new ArrayList<>(4))
                    .add(i);
        }
        List<String> scriptKeys = new ArrayList<>(byBucket.size());
        List<String> args = new ArrayList<>(byBucket.size() * 3 + requests.size());
        byBucket.forEach((tenant, indices) -> {
            BucketRequest first = requests.get(indices.get(0));
            scriptKeys.add(keys.rateBucket(tenant));
            args.add(Long.toString(first.capacity()));
            args.add(Long.toString(first.perMinute()));
            args.add(Long.toString(leases.returnExpired(tenant)));
            args.add(Long.toString(leases.sizeFor(first.capacity(), indices.size())));
            args.add(Integer.toString(indices.size()));
            indices.forEach(i -> args.add(Long.toString(requests.get(i).cost())));
        });
        Uni<Response> call = Uni.createFrom()
                .deferred(() -> guard.get(() -> BUCKETS.run(redis, scriptKeys, args)
                        .ifNoItem()
                        .after(timeout)
                        .fail()));
        return call.map(reply -> {
            Decision[] answers = new Decision[requests.size()];
            int at = 0;
            for (Map.Entry<String, List<Integer>> bucket : byBucket.entrySet()) {
                List<Integer> indices = bucket.getValue();
                String flags = reply.get(at).toString();
                double tokens = Double.parseDouble(reply.get(at + 1).toString());
                long granted = reply.get(at + 2).toLong();
                if (granted > 0) {
                    BucketRequest first = requests.get(indices.get(0));
                    leases.grant(
                            bucket.getKey(),
                            granted,
                            Double.parseDouble(reply.get(at + 3).toString()),
                            first.capacity(),
                            first.perMinute() / 60_000.0);
                }
                at += 4;
                for (int r = 0; r < indices.size(); r++) {
                    BucketRequest request = requests.get(indices.get(r));
                    TokenBucketRule.Outcome outcome = TokenBucketRule.take(
                            tokens,
                            request.capacity(),
                            request.perMinute() / 60_000.0,
                            request.cost(),
                            flags.charAt(r) == '1',
                            Decision.Source.REDIS);
                    tokens = outcome.tokensAfter();
                    answers[indices.get(r)] = outcome.decision();
                }
            }
            return Arrays.asList(answers);
        });
    }
}
