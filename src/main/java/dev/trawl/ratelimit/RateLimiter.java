package dev.trawl.ratelimit;

import dev.trawl.tenancy.Tenant;
import dev.trawl.tenancy.Tier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Decides whether a caller may make a request of a given cost: from its tier's token bucket in
 * Redis, shared by every pod; when Redis fails or is slower than {@code redis-timeout} (see
 * {@link DistributedBuckets}), from this pod's own buckets, so the API still protects itself.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final RateLimitConfig config;
    private final DistributedBuckets distributed;
    private final LocalBuckets local;
    /** Decisions by tier, outcome and source, at {@link #counterIndex}. */
    private final Counter[] counters = new Counter[Tier.values().length * 4];
    /** Since when (nanoTime) this pod decides alone; 0 while Redis decides. */
    private final AtomicLong aloneSince = new AtomicLong();

    private final AtomicLong aloneNanos = new AtomicLong();

    public RateLimiter(RateLimitConfig config, DistributedBuckets distributed, MeterRegistry registry) {
        this.config = config;
        this.distributed = distributed;
        for (Tier tier : Tier.values()) {
            if (tier == Tier.ADMIN) {
                continue; // never limited
            }
            for (boolean allowed : new boolean[] {true, false}) {
                for (Decision.Source source : new Decision.Source[] {Decision.Source.REDIS, Decision.Source.LOCAL}) {
                    counters[counterIndex(tier, allowed, source)] = Counter.builder("trawl.ratelimit.decisions")
                            .tag("tier", tier.wireName())
                            .tag("outcome", allowed ? "allowed" : "denied")
                            .tag("source", source.name().toLowerCase(Locale.ROOT))
                            .description("Rate-limit decisions by tier, outcome and who decided")
                            .register(registry);
                }
            }
        }
        this.local = new LocalBuckets(config.expectedPods(), config.localCallers(), System::currentTimeMillis);
        Gauge.builder("trawl.ratelimit.fallback", aloneSince, since -> since.get() == 0 ? 0 : 1)
                .description("1 while this pod decides rate limits alone because Redis cannot")
                .register(registry);
        FunctionCounter.builder("trawl.ratelimit.fallback.seconds", this, RateLimiter::secondsAlone)
                .description("Time this pod has decided rate limits alone")
                .register(registry);
    }

    /** Whether the request may go on; unlimited when limiting is off or the caller is an admin. */
    public Uni<Decision> take(Tenant caller, long cost) {
        if (!config.enabled() || caller.tier() == Tier.ADMIN) {
            return Uni.createFrom().item(Decision.UNLIMITED);
        }
        RateLimitConfig.Bucket tier = bucketOf(caller.tier());
        BucketRequest request = new BucketRequest(caller.id(), tier.capacityOrDefault(), tier.perMinute(), cost);
        return distributed
                .take(request)
                .invoke(decision -> backFromAlone())
                .onFailure()
                .recoverWithItem(failure -> alone(request, failure))
                .invoke(decision -> count(caller.tier(), decision));
    }

    /** False when {@code trawl.rate-limit.enabled} is off: every request passes, undecided. */
    public boolean enabled() {
        return config.enabled();
    }

    /** True while this pod decides alone. */
    public boolean decidingAlone() {
        return aloneSince.get() != 0;
    }

    private RateLimitConfig.Bucket bucketOf(Tier tier) {
        return switch (tier) {
            case ANONYMOUS -> config.anonymous();
            case API_KEY -> config.apiKey();
            case PREMIUM -> config.premium();
            case ADMIN -> throw new IllegalArgumentException("admins are not limited");
        };
    }

    private Decision alone(BucketRequest request, Throwable failure) {
        if (aloneSince.compareAndSet(0, System.nanoTime())) {
            LOG.warnf(
                    "Rate limits are decided by this pod alone (1/%d of each budget) until Redis answers again: %s",
                    config.expectedPods(), failure.toString());
        }
        return local.take(request);
    }

    private void backFromAlone() {
        long since = aloneSince.getAndSet(0);
        if (since != 0) {
            aloneNanos.addAndGet(System.nanoTime() - since);
            LOG.info("Rate limits are decided in Redis again");
        }
    }

    private double secondsAlone() {
        long since = aloneSince.get();
        return (aloneNanos.get() + (since == 0 ? 0 : System.nanoTime() - since)) / 1e9;
    }

    private void count(Tier tier, Decision decision) {
        counters[counterIndex(tier, decision.allowed(), decision.source())].increment();
    }

    private static int counterIndex(Tier tier, boolean allowed, Decision.Source source) {
        return tier.ordinal() * 4 + (allowed ? 0 : 2) + (source == Decision.Source.REDIS ? 0 : 1);
    }
}
