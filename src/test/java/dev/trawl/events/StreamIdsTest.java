package dev.trawl.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamIdsTest {

    @Test
    void ordersByTimeThenSequence() {
        assertThat(StreamIds.compare("1700000000000-1", "1700000000000-0")).isPositive();
        assertThat(StreamIds.compare("1700000000001-0", "1700000000000-9")).isPositive();
        assertThat(StreamIds.compare("1700000000000-0", "1700000000000-0")).isZero();
        assertThat(StreamIds.compare("999-0", "1000-0")).isNegative();
        assertThat(StreamIds.compare("5", "5-0")).isZero();
        assertThat(StreamIds.compare("1-0", StreamIds.BEGINNING)).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1700000000000-0", "0-1", "42", "18446744073709551615-18446744073709551615"})
    void acceptsStreamIds(String id) {
        assertThat(StreamIds.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1-", "-1", "1-2-3", "1.5", "99999999999999999999-0", " 1-0"})
    void rejectsAnythingElse(String id) {
        assertThat(StreamIds.isValid(id)).isFalse();
    }

    @Test
    void knowsTheIdsNoEntryCanFollowOrPrecede() {
        assertThat(StreamIds.isLast("18446744073709551615-18446744073709551615"))
                .isTrue();
        assertThat(StreamIds.isLast("18446744073709551615-18446744073709551614"))
                .isFalse();
        assertThat(StreamIds.isLast("18446744073709551615"))
                .as("the sequence defaults to 0")
                .isFalse();
        assertThat(StreamIds.isFirst("0-0")).isTrue();
        assertThat(StreamIds.isFirst("0")).isTrue();
        assertThat(StreamIds.isFirst("0-1")).isFalse();
    }

    @Test
    void liveAnnouncementsCarryIdTypeAndJson() {
        StoredEvent event = LiveEvents.parse("1700000000000-3\npage\n{\"type\":\"page\",\"data\":{\"t\":\"a\\nb\"}}");
        assertThat(event.id()).isEqualTo("1700000000000-3");
        assertThat(event.type()).isEqualTo("page");
        assertThat(event.json()).isEqualTo("{\"type\":\"page\",\"data\":{\"t\":\"a\\nb\"}}");
        assertThat(event.terminal()).isFalse();
        assertThat(new StoredEvent("1-0", "succeeded", "{}").terminal()).isTrue();
    }

    @Test
    void theMillisecondsOfAnIdAreWhenRedisAddedTheEntry() {
        assertThat(StreamIds.millisOf("1700000000123-7")).isEqualTo(1_700_000_000_123L);
        assertThat(StreamIds.millisOf("1700000000123")).isEqualTo(1_700_000_000_123L);
    }
}
