package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("1994-11-06T08:49:00Z");
    private final RetryAfter retryAfter = new RetryAfter(Duration.ofMinutes(10));

    @Test
    void deltaSecondsAreASpanFromNow() {
        assertThat(retryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(retryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    }

    @Test
    void imfFixdateIsTheTimeLeftUntilThatDate() {
        assertThat(retryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(37));
    }

    @Test
    void obsoleteRfc850DateIsAccepted() {
        assertThat(retryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(37));
    }

    @Test
    void obsoleteAsctimeDateIsAccepted() {
        assertThat(retryAfter.parse("Sun Nov  6 08:49:37 1994", NOW)).contains(Duration.ofSeconds(37));
        assertThat(retryAfter.parse("Wed Nov 16 08:49:37 1994", Instant.parse("1994-11-16T08:49:00Z")))
                .contains(Duration.ofSeconds(37));
    }

    @Test
    void aDateInThePastMeansNow() {
        assertThat(retryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void longWaitsAreCappedAtTheConfiguredMaximum() {
        assertThat(retryAfter.parse("86400", NOW)).contains(Duration.ofMinutes(10));
        assertThat(retryAfter.parse("99999999999999999999999", NOW)).contains(Duration.ofMinutes(10));
        assertThat(retryAfter.parse("Mon, 07 Nov 1994 08:49:37 GMT", NOW)).contains(Duration.ofMinutes(10));
        assertThat(new RetryAfter(Duration.ofSeconds(30)).parse("31", NOW)).contains(Duration.ofSeconds(30));
    }

    @Test
    void anAbsentHeaderGivesNothing() {
        assertThat(retryAfter.parse(null, NOW)).isEmpty();
        assertThat(retryAfter.parse("", NOW)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "1.5", "soon", "10s", "Sun, 06 Nov 1994", "2024-01-01T00:00:00Z"})
    void anUnreadableHeaderGivesNothing(String header) {
        assertThat(retryAfter.parse(header, NOW)).isEmpty();
    }
}
