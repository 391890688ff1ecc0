package dev.trawl.ratelimit;

import dev.trawl.batch.Batcher;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The cluster's token buckets, in Redis: every pod takes from the same bucket of a caller, so a
 * tier's budget holds however many pods serve it. The decisions asked for at the same moment go
 * in one script call (see {@link Batcher}), each decided as if it were a call of its own.
 */
@ApplicationScoped
class DistributedBuckets {

    private static final Logger LOG = Logger.getLogger(DistributedBuckets.class);
    private static final LuaScript BUCKETS = LuaScript.fromResource("lua/token_buckets.lua");
    private static final int MAX_BATCH = 256;

    private final Redis redis;
    private final RedisKeys keys;
    private final Batcher<BucketRequest, Decision> decisions;

    DistributedBuckets(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
        this.decisions = new Batcher<>(MAX_BATCH, 2, this::decideAll);
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
        return BUCKETS.run(redis, scriptKeys, args).map(reply -> {
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
