package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecoveryTimingsTest {

    @Test
    void aClaimIdleTimeOfTheLeasePlusOneIntervalAlwaysFindsTheLeaseRunOut() {
        RecoveryTimings timings =
                new RecoveryTimings(Duration.ofSeconds(15), Duration.ofSeconds(18), Duration.ofSeconds(3));
        assertThat(timings.verdict()).isEqualTo(RecoveryTimings.Verdict.TAKE_OVER_FINDS_LEASE_EXPIRED);
        assertThat(timings.latestTakeOver()).isEqualTo(Duration.ofSeconds(21));
    }

    @Test
    void aClaimIdleTimeShorterThanTheLeasePlusOneIntervalMayMeetALiveLease() {
        assertThat(new RecoveryTimings(Duration.ofSeconds(15), Duration.ofSeconds(17), Duration.ofSeconds(3)).verdict())
                .isEqualTo(RecoveryTimings.Verdict.TAKE_OVER_MAY_MEET_LIVE_LEASE);
        // the defaults before issue 10 had the gap too: a claim idle time equal to the lease
        assertThat(new RecoveryTimings(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(10)).verdict())
                .isEqualTo(RecoveryTimings.Verdict.TAKE_OVER_MAY_MEET_LIVE_LEASE);
    }
}
