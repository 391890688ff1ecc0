package dev.trawl.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tokens this pod has already taken from a busy caller's bucket in Redis, spent here without a
 * round trip. A lease is only ever taken from the cluster's bucket, so the pods together never
 * admit more than the budget; what a lease costs is the opposite error, bounded: at most
 * {@link #sizeFor} tokens per pod and caller sit unspent, and they go back to the bucket with the
 * caller's next call to Redis once the lease has run out. Leases are for big budgets only (a
 * hundredth of the capacity per pod and caller, so none below 100 × the expected pods): small
 * budgets, where one token matters, are decided in Redis request by request.
 */
final class TokenLeases {

    /** How long a lease serves; after that what is left goes back to the bucket. */
    static final Duration TTL = Duration.ofSeconds(1);

    private static final int MAX_LEASES = 10_000;

    /** A lease on a caller's bucket: {@code bucketTokens} were left in Redis when it was taken. */
    private static final class Lease {
        final AtomicLong tokens;
        final long expiresAtNanos;
        final double bucketTokens;
        final long capacity;
        final double perMs;

        Lease(long tokens, long expiresAtNanos, double bucketTokens, long capacity, double perMs) {
            this.tokens = new AtomicLong(tokens);
            this.expiresAtNanos = expiresAtNanos;
            this.bucketTokens = bucketTokens;
            this.capacity = capacity;
            this.perMs = perMs;
        }
    }

    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final int expectedPods;
    private final LongSupplier nanoClock;

    TokenLeases(int expectedPods, LongSupplier nanoClock) {
        this.expectedPods = Math.max(1, expectedPods);
        this.nanoClock = nanoClock;
    }

    /** How many tokens to ask for beside {@code requests} requests of one caller in one call; 0 for none. */
    long sizeFor(long capacity, int requests) {
        long most = capacity / (100L * expectedPods);
        return requests < 2 || most < 1 ? 0 : Math.min(most, 16L * requests);
    }

    /** The decision for a request its caller's lease can pay for, or null if it must go to Redis. */
    Decision take(BucketRequest request) {
        Lease lease = leases.get(request.tenant());
        if (lease == null || nanoClock.getAsLong() - lease.expiresAtNanos >= 0) {
            return null;
        }
        long left = lease.tokens.addAndGet(-request.cost());
        if (left < 0) {
            lease.tokens.addAndGet(request.cost());
            return null;
        }
        // where the caller stands: the bucket as Redis had it, and this pod's lease still unspent
        return TokenBucketRule.take(
                        lease.bucketTokens + left + request.cost(),
                        lease.capacity,
                        lease.perMs,
                        request.cost(),
                        true,
                        Decision.Source.REDIS)
                .decision();
    }

    /** Hands back what is left of the caller's run-out lease, to be returned to its bucket; 0 if none. */
    long returnExpired(String tenant) {
        Lease lease = leases.get(tenant);
        if (lease == null || nanoClock.getAsLong() - lease.expiresAtNanos < 0 || !leases.remove(tenant, lease)) {
            return 0;
        }
        return Math.max(0, lease.tokens.getAndSet(0));
    }

    /** Keeps {@code tokens} taken from the caller's bucket, which had {@code bucketTokens} left after them. */
    void grant(String tenant, long tokens, double bucketTokens, long capacity, double perMs) {
        long now = nanoClock.getAsLong();
        if (leases.size() > MAX_LEASES) {
            // callers that went quiet: their leftovers are a few tokens each, not worth the memory
            leases.values().removeIf(lease -> now - lease.expiresAtNanos >= 0);
        }
        Lease fresh = new Lease(tokens, now + TTL.toNanos(), bucketTokens, capacity, perMs);
        leases.merge(tenant, fresh, (old, neu) -> {
            neu.tokens.addAndGet(Math.max(0, old.tokens.getAndSet(0)));
            return neu;
        });
    }
}
