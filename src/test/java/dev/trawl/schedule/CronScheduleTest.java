package dev.trawl.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    @Test
    void fiveFieldsAreUnixCronInTheScheduleZoneAcrossDaylightSaving() {
        CronSchedule nine = CronSchedule.parse("0 9 * * *", "Europe/Zurich");
        // winter: UTC+1
        assertThat(nine.nextAfter(Instant.parse("2026-01-10T12:00:00Z")))
                .contains(Instant.parse("2026-01-11T08:00:00Z"));
        // summer: UTC+2
        assertThat(nine.nextAfter(Instant.parse("2026-07-10T12:00:00Z")))
                .contains(Instant.parse("2026-07-11T07:00:00Z"));
    }

    @Test
    void sixFieldsPutSecondsFirst() {
        CronSchedule everyTen = CronSchedule.parse("*/10 * * * * *", "UTC");
        assertThat(everyTen.nextAfter(Instant.parse("2026-01-01T00:00:01Z")))
                .contains(Instant.parse("2026-01-01T00:00:10Z"));
        assertThat(everyTen.shortestInterval(Instant.parse("2026-01-01T00:00:00Z"), 20))
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theLatestTickAtOrBeforeAnInstantIsTheOneCatchUpRuns() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", "UTC");
        assertThat(hourly.latestAtOrBefore(Instant.parse("2026-01-01T05:30:00Z")))
                .contains(Instant.parse("2026-01-01T05:00:00Z"));
        assertThat(hourly.latestAtOrBefore(Instant.parse("2026-01-01T05:00:00Z")))
                .contains(Instant.parse("2026-01-01T05:00:00Z"));
    }

    @Test
    void ticksAreWholeSecondsFromAnyInstant() {
        CronSchedule everySecond = CronSchedule.parse("* * * * * *", "UTC");
        Instant within = Instant.parse("2026-01-01T05:10:03.699581Z");
        assertThat(everySecond.latestAtOrBefore(within)).contains(Instant.parse("2026-01-01T05:10:03Z"));
        assertThat(everySecond.nextAfter(within)).contains(Instant.parse("2026-01-01T05:10:04Z"));
        CronSchedule hourly = CronSchedule.parse("0 * * * *", "UTC");
        assertThat(hourly.latestAtOrBefore(Instant.parse("2026-01-01T05:00:00.250Z")))
                .contains(Instant.parse("2026-01-01T05:00:00Z"));
        assertThat(hourly.nextAfter(Instant.parse("2026-01-01T05:00:00.250Z")))
                .contains(Instant.parse("2026-01-01T06:00:00Z"));
    }

    @Test
    void theShortestIntervalSeesTheClosestTicksOfAnIrregularExpression() {
        CronSchedule twice = CronSchedule.parse("0,5 9 * * *", "UTC");
        assertThat(twice.shortestInterval(Instant.parse("2026-01-01T00:00:00Z"), 10))
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void badExpressionsAndZonesNameTheirMember() {
        assertThatThrownBy(() -> CronSchedule.parse("0 9 * *", "UTC"))
                .isInstanceOfSatisfying(
                        CronSchedule.Invalid.class, e -> assertThat(e.field()).isEqualTo("cron"));
        assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *", "UTC"))
                .isInstanceOfSatisfying(
                        CronSchedule.Invalid.class, e -> assertThat(e.field()).isEqualTo("cron"));
        assertThatThrownBy(() -> CronSchedule.parse("0 9 * * *", "Europe/Atlantis"))
                .isInstanceOfSatisfying(
                        CronSchedule.Invalid.class, e -> assertThat(e.field()).isEqualTo("timeZone"));
        assertThatThrownBy(() -> CronSchedule.parse(null, "UTC"))
                .isInstanceOfSatisfying(
                        CronSchedule.Invalid.class, e -> assertThat(e.field()).isEqualTo("cron"));
    }
}
