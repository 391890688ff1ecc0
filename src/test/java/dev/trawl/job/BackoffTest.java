package dev.trawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration INITIAL = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    private final Backoff highest = new Backoff(INITIAL, MAX, ceiling -> ceiling);
    private final Backoff lowest = new Backoff(INITIAL, MAX, ceiling -> 0);

    @Test
    void theCeilingDoublesWithEachAttemptFromTheInitialBackoff() {
        assertThat(highest.delay(1, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
        assertThat(highest.delay(2, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
        assertThat(highest.delay(3, Optional.empty())).isEqualTo(Duration.ofSeconds(4));
        assertThat(highest.delay(9, Optional.empty())).isEqualTo(Duration.ofSeconds(256));
    }

    @Test
    void theCeilingIsCappedAtTheMaximumForAnyAttempt() {
        assertThat(highest.delay(10, Optional.empty())).isEqualTo(MAX);
        assertThat(highest.delay(64, Optional.empty())).isEqualTo(MAX);
        assertThat(highest.delay(Integer.MAX_VALUE, Optional.empty())).isEqualTo(MAX);
    }

    @Test
    void fullJitterMayWaitNothingAtAll() {
        assertThat(lowest.delay(5, Optional.empty())).isZero();
    }

    @Test
    void realJitterStaysBetweenZeroAndTheCeiling() {
        Backoff random = new Backoff(new RetryConfig() {
            public Duration initialBackoff() {
                return INITIAL;
            }

            public Duration maxBackoff() {
                return MAX;
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }

            public int moveBatchSize() {
                return 1;
            }

            public int maxTakeovers() {
                return 1;
            }
        });
        long distinct = java.util.stream.IntStream.range(0, 10_000)
                .mapToObj(i -> random.delay(3, Optional.empty()))
                .peek(delay -> assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(4)))
                .distinct()
                .count();
        assertThat(distinct).as("the waits are spread, not one value").isGreaterThan(100);
    }

    @Test
    void aLongerRetryAfterOfTheSiteWins() {
        assertThat(highest.delay(1, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
        assertThat(highest.delay(20, Optional.of(Duration.ofMinutes(10))))
                .as("even above the cap")
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aShorterRetryAfterDoesNotShortenTheBackoff() {
        assertThat(highest.delay(3, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(4));
    }
}
