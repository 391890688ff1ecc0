package dev.trawl.scrape;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date in any of
 * the three forms recipients must accept. The result is capped, so one header cannot park a site
 * for days; a date in the past means "now".
 */
@ApplicationScoped
public class RetryAfter {

    private static final int MAX_DELTA_DIGITS = 18; // more would overflow a long; such values are capped anyway

    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-")
            // RFC 9110: a two-digit year more than 50 years ahead means the most recent such year in the past
            .appendValueReduced(
                    ChronoField.YEAR, 2, 2, LocalDateTime.now(ZoneOffset.UTC).getYear() - 49)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US);

    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEE MMM ppd HH:mm:ss yyyy")
            .toFormatter(Locale.US);

    private static final List<Function<String, Instant>> DATE_FORMS = List.of(
            text -> ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant(),
            text -> LocalDateTime.parse(text, RFC_850).toInstant(ZoneOffset.UTC),
            text -> LocalDateTime.parse(text, ASCTIME).toInstant(ZoneOffset.UTC));

    private final Duration max;

    @Inject
    public RetryAfter(PolitenessConfig config) {
        this(config.maxRetryAfter());
    }

    public RetryAfter(Duration max) {
        this.max = max;
    }

    /** How long the site asks us to wait from {@code now}; empty if the header is absent or unreadable. */
    public Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(
                    value.length() > MAX_DELTA_DIGITS ? max : cap(Duration.ofSeconds(Long.parseLong(value))));
        }
        return date(value).map(date -> date.isAfter(now) ? cap(Duration.between(now, date)) : Duration.ZERO);
    }

    private static Optional<Instant> date(String value) {
        for (Function<String, Instant> form : DATE_FORMS) {
            try {
                return Optional.of(form.apply(value));
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return Optional.empty();
    }

    private Duration cap(Duration wait) {
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
