package dev.trawl.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenLeasesTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final TokenLeases leases = new TokenLeases(2, nanos::get);
    private final BucketRequest request = new BucketRequest("key:busy", 100_000, 100_000, 1);

    @Test
    void onlyBusyCallersWithBigBudgetsGetLeasesAndNeverMoreThanAHundredthPerPod() {
        assertThat(leases.sizeFor(100_000, 1)).as("a request alone").isZero();
        assertThat(leases.sizeFor(100, 50))
                .as("a budget where one token matters")
                .isZero();
        assertThat(leases.sizeFor(100_000, 10)).isEqualTo(160);
        assertThat(leases.sizeFor(100_000, 200))
                .as("a hundredth of the capacity, shared by 2 pods")
                .isEqualTo(500);
    }

    @Test
    void aLeasePaysForRequestsUntilItIsSpentAndSaysWhereTheCallerStands() {
        assertThat(leases.take(request)).as("no lease yet").isNull();
        leases.grant("key:busy", 3, 1_000, 100_000, 100_000 / 60_000.0);

        Decision first = leases.take(request);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining())
                .as("the bucket's 1,000 and the lease's 2 left")
                .isEqualTo(1_002);
        assertThat(leases.take(request)).isNotNull();
        assertThat(leases.take(request)).isNotNull();
        assertThat(leases.take(request))
                .as("spent: the next request goes to Redis")
                .isNull();
        assertThat(leases.take(new BucketRequest("key:other", 100_000, 100_000, 1)))
                .isNull();
    }

    @Test
    void whatIsLeftOfALeaseThatRanOutIsGivenBackOnce() {
        leases.grant("key:busy", 10, 1_000, 100_000, 1);
        leases.take(request);
        assertThat(leases.returnExpired("key:busy")).as("still running").isZero();

        nanos.addAndGet(TokenLeases.TTL.toNanos());
        assertThat(leases.take(request))
                .as("a lease that ran out pays for nothing")
                .isNull();
        assertThat(leases.returnExpired("key:busy")).isEqualTo(9);
        assertThat(leases.returnExpired("key:busy")).isZero();
    }

    @Test
    void aNewLeaseKeepsWhatWasLeftOfTheOld() {
        leases.grant("key:busy", 2, 1_000, 100_000, 1);
        leases.grant("key:busy", 3, 990, 100_000, 1);
        int paid = 0;
        while (leases.take(request) != null) {
            paid++;
        }
        assertThat(paid).isEqualTo(5);
    }
}
