package dev.trawl.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void eachPodGivesACallerItsShareOfTheBudget() {
        LocalBuckets buckets = new LocalBuckets(2, 100, now::get);
        BucketRequest request = new BucketRequest("anonymous:a", 100, 100, 1);

        Decision first = buckets.take(request);
        assertThat(first.allowed()).isTrue();
        assertThat(first.limit()).isEqualTo(50);
        assertThat(first.remaining()).isEqualTo(49);
        assertThat(first.source()).isEqualTo(Decision.Source.LOCAL);
        for (int i = 0; i < 49; i++) {
            assertThat(buckets.take(request).allowed()).isTrue();
        }
        Decision refused = buckets.take(request);
        assertThat(refused.allowed()).isFalse();
        // 50 a minute here: one token every 1.2 s
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void tokensComeBackWithTimeUpToTheCapacity() {
        LocalBuckets buckets = new LocalBuckets(1, 100, now::get);
        BucketRequest request = new BucketRequest("key:k", 10, 60, 10);
        assertThat(buckets.take(request).allowed()).isTrue();
        assertThat(buckets.take(request).allowed()).isFalse();

        now.addAndGet(Duration.ofMinutes(5).toMillis());

        Decision refilled = buckets.take(request);
        assertThat(refilled.allowed()).isTrue();
        assertThat(refilled.remaining()).isZero();
        assertThat(refilled.reset()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void manyCallersCannotGrowItPastItsBound() {
        LocalBuckets buckets = new LocalBuckets(1, 1000, now::get);
        for (int i = 0; i < 50_000; i++) {
            buckets.take(new BucketRequest("anonymous:" + i, 5, 5, 1));
        }
        assertThat(buckets.size()).isEqualTo(1000);
    }
}
