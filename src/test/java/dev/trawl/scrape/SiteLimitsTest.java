package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiteLimitsTest {

    private final SiteLimits limits = new SiteLimits(2, Duration.ofMillis(500));

    @Test
    void aLongerCrawlDelaySlowsTheSiteDown() {
        assertThat(limits.withCrawlDelay(Optional.of(Duration.ofSeconds(2))))
                .isEqualTo(new SiteLimits(2, Duration.ofSeconds(2)));
    }

    @Test
    void aShorterOrMissingCrawlDelayKeepsOurOwnDelay() {
        assertThat(limits.withCrawlDelay(Optional.of(Duration.ofMillis(100)))).isEqualTo(limits);
        assertThat(limits.withCrawlDelay(Optional.empty())).isEqualTo(limits);
    }

    @Test
    void limitsThatWouldBlockForeverOrRunBackwardsAreRefused() {
        assertThatThrownBy(() -> new SiteLimits(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteLimits(1, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
