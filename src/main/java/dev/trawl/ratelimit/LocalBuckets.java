package dev.trawl.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This pod's own token buckets, for when Redis cannot decide: the same rule as the cluster's, with
 * each caller given {@code 1/expectedPods} of its tier's budget, so the pods together admit about
 * what the cluster would. At most {@code maxCallers} buckets are kept, the least recently used
 * forgotten first (a forgotten caller starts with a full bucket), so no number of callers can
 * exhaust the heap.
 */
final class LocalBuckets {

    private static final class Bucket {
        double tokens;
        long at;
    }

    private final int expectedPods;
    private final LongSupplier clockMs;
    private final Map<String, Bucket> buckets;

    LocalBuckets(int expectedPods, int maxCallers, LongSupplier clockMs) {
        this.expectedPods = Math.max(1, expectedPods);
        this.clockMs = clockMs;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxCallers;
            }
        };
    }

    synchronized Decision take(BucketRequest request) {
        long capacity = Math.max(1, request.capacity() / expectedPods);
        double perMs = Math.max(1, request.perMinute() / expectedPods) / 60_000.0;
        long now = clockMs.getAsLong();
        Bucket bucket = buckets.get(request.tenant());
        if (bucket == null) {
            bucket = new Bucket();
            bucket.tokens = capacity;
            buckets.put(request.tenant(), bucket);
        } else {
            bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
        }
        bucket.at = now;
        TokenBucketRule.Outcome outcome =
                TokenBucketRule.take(bucket.tokens, capacity, perMs, request.cost(), Decision.Source.LOCAL);
        bucket.tokens = outcome.tokensAfter();
        return outcome.decision();
    }

    synchronized int size() {
        return buckets.size();
    }
}
