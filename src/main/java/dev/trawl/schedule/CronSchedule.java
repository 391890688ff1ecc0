package dev.trawl.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A cron expression in a time zone, parsed by cron-utils. Two dialects: the Unix five fields
 * (minute hour day-of-month month day-of-week) and, for a sixth field, seconds first (second
 * minute hour day-of-month month day-of-week, as Spring writes it). Ticks are computed in the
 * zone, so "0 9 * * *" in Europe/Zurich is 09:00 local time across daylight-saving changes.
 */
public final class CronSchedule {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    /** A cron expression or zone that cannot be used; {@code field} names the member at fault. */
    public static final class Invalid extends RuntimeException {

        private final String field;

        Invalid(String field, String detail) {
            super(detail);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /** Parses the expression and zone; {@link Invalid} names {@code cron} or {@code timeZone}. */
    public static CronSchedule parse(String expression, String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException | NullPointerException e) {
            throw new Invalid(
                    "timeZone", "timeZone: is not a time zone; use an IANA name such as Europe/Zurich or UTC");
        }
        String trimmed = expression == null ? "" : expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        CronParser parser;
        if (fields == 5) {
            parser = UNIX;
        } else if (fields == 6) {
            parser = WITH_SECONDS;
        } else {
            throw new Invalid(
                    "cron",
                    "cron: has " + fields + " fields; give 5 (minute hour day-of-month month day-of-week)"
                            + " or 6 (second first)");
        }
        try {
            Cron cron = parser.parse(trimmed).validate();
            return new CronSchedule(trimmed, zone, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException e) {
            throw new Invalid("cron", "cron: is not a valid cron expression: " + e.getMessage());
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The first tick strictly after {@code after}; empty if there is none. Ticks are whole
     * seconds: cron-utils keeps the fraction of the instant it starts from, so it starts from the
     * whole second.
     */
    public Optional<Instant> nextAfter(Instant after) {
        return times.nextExecution(wholeSecond(after))
                .map(next -> next.toInstant().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The latest tick at or before {@code at}, a whole second; empty if there is none. */
    public Optional<Instant> latestAtOrBefore(Instant at) {
        ZonedDateTime when = wholeSecond(at);
        if (times.isMatch(when)) {
            return Optional.of(when.toInstant());
        }
        return times.lastExecution(when).map(last -> last.toInstant().truncatedTo(ChronoUnit.SECONDS));
    }

    private ZonedDateTime wholeSecond(Instant at) {
        return ZonedDateTime.ofInstant(at.truncatedTo(ChronoUnit.SECONDS), zone);
    }

    /** The shortest gap between the next {@code ticks} ticks after {@code from}. */
    public Duration shortestInterval(Instant from, int ticks) {
        Duration shortest = null;
        Optional<Instant> previous = nextAfter(from);
        for (int i = 0; i < ticks && previous.isPresent(); i++) {
            Optional<Instant> next = nextAfter(previous.get());
            if (next.isEmpty()) {
                break;
            }
            Duration gap = Duration.between(previous.get(), next.get());
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = next;
        }
        return shortest == null ? Duration.ofDays(366) : shortest;
    }
}
